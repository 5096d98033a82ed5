package normgraph

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Precision says how much of a Date is known.
type Precision uint8

// Date precisions.
const (
	PrecisionYear Precision = iota + 1
	PrecisionMonth
	PrecisionDay
)

// Date is an ISO 8601 calendar date that may be known only to the year or month
// ("2011", "2011-05", "2011-05-16"). A partial date compares as its first day.
// The zero Date is "no date".
type Date struct {
	t    time.Time
	prec Precision
}

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	var layout string
	var p Precision
	switch len(s) {
	case 4:
		layout, p = "2006", PrecisionYear
	case 7:
		layout, p = "2006-01", PrecisionMonth
	case 10:
		layout, p = "2006-01-02", PrecisionDay
	default:
		return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD: not a calendar date", s)
	}
	return Date{t: t, prec: p}, nil
}

// MustParseDate is ParseDate for literals known to be valid; it panics otherwise.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.prec == 0 }

// Precision returns how much of d is known.
func (d Date) Precision() Precision { return d.prec }

// Time returns the first day d stands for, at midnight UTC.
func (d Date) Time() time.Time { return d.t }

// Before reports whether d's first day is before e's.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// String formats d at its precision; "" for the zero Date.
func (d Date) String() string { return string(d.appendTo(nil)) }

// appendTo appends d at its precision to b.
func (d Date) appendTo(b []byte) []byte {
	switch d.prec {
	case PrecisionYear:
		return d.t.AppendFormat(b, "2006")
	case PrecisionMonth:
		return d.t.AppendFormat(b, "2006-01")
	case PrecisionDay:
		return d.t.AppendFormat(b, "2006-01-02")
	}
	return b
}

// MarshalGQL writes d as a GraphQL string (gqlgen's Marshaler contract).
// A date needs no escaping; answers hold many, so it is written in one
// piece.
func (d Date) MarshalGQL(w io.Writer) {
	var buf [16]byte
	b := append(d.appendTo(append(buf[:0], '"')), '"')
	_, _ = w.Write(b)
}

// UnmarshalGQL reads a GraphQL Date argument (gqlgen's Unmarshaler contract).
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(EINVALID, "Date must be a string YYYY, YYYY-MM or YYYY-MM-DD, got %T", v)
	}
	p, err := ParseDate(s)
	if err != nil {
		return Errorf(EINVALID, "%v", err)
	}
	*d = p
	return nil
}

// MarshalJSON implements json.Marshaler.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// InForce reports whether a relationship dated [since, until) is in force on
// asOf: since <= asOf (or no since) and no until or until > asOf. Unknown
// bounds never exclude.
func InForce(since, until *Date, asOf Date) bool {
	if since != nil && !since.IsZero() && asOf.Before(*since) {
		return false
	}
	if until != nil && !until.IsZero() && !asOf.Before(*until) {
		return false
	}
	return true
}
