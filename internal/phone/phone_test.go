package phone

import (
	"errors"
	"testing"
)

func TestE164(t *testing.T) {
	tests := []struct {
		in, region, want string
		ok               bool
	}{
		{"+44 20 7946 0958", "", "+442079460958", true},
		{"+1 (415) 555-2671", "", "+14155552671", true},
		{"020 7946 0958", "GB", "+442079460958", true},
		{"020 7946 0958", "gb", "+442079460958", true},
		{"020 7946 0958", "", "", false}, // national without a region
		{"+44 20", "", "", false},        // too short for the plan
		{"+999 1234567", "", "", false},  // no such country code
		{"call me", "", "", false},
		{"", "GB", "", false},
		{"+1 415 555 2671 and a very long tail of text that no number has", "", "", false},
	}
	for _, tt := range tests {
		got, err := E164(tt.in, tt.region)
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("E164(%q, %q) = %q, %v; want %q", tt.in, tt.region, got, err, tt.want)
		}
		if !tt.ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("E164(%q, %q) = %q, %v; want ErrInvalid", tt.in, tt.region, got, err)
		}
	}
	if d := Digits("+442079460958"); d != "442079460958" {
		t.Errorf("Digits = %q", d)
	}
}
