package study

import "math"

// MinAnswers is the fewest answers behind any accuracy figure. An accuracy
// is a proportion, and the 95% range of a proportion from n answers is about
// ±1/√n at worst (half right): 25 answers keep it within about ±20 points,
// while fewer leave a range too wide to tell a strong candidate from a weak
// one, so below it we say how many more answers are needed instead.
const MinAnswers = 25

// Accuracy is a share of correct answers and the evidence behind it.
type Accuracy struct {
	Right, N int
}

// Enough reports whether there are answers enough for a figure.
func (a Accuracy) Enough() bool { return a.N >= MinAnswers }

// Need is how many more answers a figure needs (0 once there are enough).
func (a Accuracy) Need() int { return max(0, MinAnswers-a.N) }

// Share is the share right (0 without answers).
func (a Accuracy) Share() float64 {
	if a.N == 0 {
		return 0
	}
	return float64(a.Right) / float64(a.N)
}

// Range is the 95% Wilson score interval of the share. Wilson rather than
// the textbook p ± 1.96·√(p(1-p)/n): that one collapses to a single point
// when every answer is right (or wrong) and can leave 0-1.
func (a Accuracy) Range() (lo, hi float64) {
	if a.N == 0 {
		return 0, 1
	}
	const z = 1.96
	p, n := a.Share(), float64(a.N)
	den := 1 + z*z/n
	centre := (p + z*z/(2*n)) / den
	half := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / den
	return math.Max(0, centre-half), math.Min(1, centre+half)
}
