package search

import "strconv"

// Count is the number of matches of a query, exact up to [CountCap]. Beyond
// it N is CountCap and AtLeast is set, so stores need not count further.
type Count struct {
	N       int
	AtLeast bool
}

// CountOf returns the Count for n matches, capped at [CountCap]. A store
// may pass any n over CountCap, such as CountCap+1 when it stopped there.
func CountOf(n int) Count {
	switch {
	case n > CountCap:
		return Count{N: CountCap, AtLeast: true}
	case n < 0:
		return Count{}
	}
	return Count{N: n}
}

// String returns the count with thousands separators, as "42", "1,234" or
// "10,000 or more".
func (c Count) String() string {
	s := groupThousands(c.N)
	if c.AtLeast {
		return s + " or more"
	}
	return s
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
