package datagen

import "strconv"

// plan is a block of numbers of one numbering plan that libphonenumber
// accepts in full: country code, a fixed leading part of the national
// number, and free digits.
type plan struct {
	cc, lead string
	free     int
	region   string
}

// plans are the blocks purchased numbers come from. Each was checked
// against libphonenumber over its whole range of free digits (see the
// package tests), so every number made from one is valid.
var plans = []plan{
	{"1", "6465", 6, "US"},
	{"1", "4152", 6, "US"},
	{"1", "2125", 6, "US"},
	{"44", "7400", 6, "GB"},
	{"49", "1512", 7, "DE"},
	{"49", "1701", 7, "DE"},
	{"34", "6", 8, "ES"},
	{"55", "119", 8, "BR"},
	{"91", "98", 8, "IN"},
	{"27", "82", 7, "ZA"},
	{"7", "916", 7, "RU"},
	{"971", "50", 7, "AE"},
	{"39", "347", 7, "IT"},
	{"86", "138", 8, "CN"},
	{"30", "69", 8, "GR"},
	{"48", "5", 8, "PL"},
	{"90", "53", 8, "TR"},
}

// NumbersPerOrganization is how many purchased numbers each organization
// has.
const NumbersPerOrganization = 3

// MaxOrganizations is the most organizations a Generator makes: beyond it
// the smallest numbering-plan blocks would run out of unique numbers.
const MaxOrganizations = 5_000_000

// number returns the k-th purchased number of the data set in E.164. Number
// k comes from plan k mod len(plans), and within the plan from an affine
// permutation of k / len(plans) over the free digits, so numbers are unique
// for every k below MaxOrganizations*NumbersPerOrganization yet do not run
// in sequence.
func (g *Generator) number(k int) string {
	p := plans[k%len(plans)]
	space := uint64(1)
	for range p.free {
		space *= 10
	}
	local := uint64(k / len(plans))
	// a is odd and not a multiple of 5, so coprime with every power of ten.
	const a = 7_654_321
	sub := (local*a + g.offset%space) % space
	s := strconv.FormatUint(sub, 10)
	for len(s) < p.free {
		s = "0" + s
	}
	return "+" + p.cc + p.lead + s
}
