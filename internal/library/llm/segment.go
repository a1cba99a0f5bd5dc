package llm

import (
	"unicode"
	"unicode/utf8"
)

// tiktoken's byte-pair merge is quadratic in the length of one
// pre-tokenised piece (a word, a run of punctuation or spaces): 32,000
// emoji in a row, one piece, took seconds to count. Text is therefore
// encoded in parts, cut where the pre-tokeniser ends a piece anyway, so
// that no piece is longer than maxStretch bytes.
const (
	// maxStretch bounds the text between two cuts where no piece can end
	// (a run of one letter, of emoji, of spaces). Such a run is cut at a
	// rune boundary every maxStretch bytes; its count is then an estimate,
	// off by about a token per cut. Ordinary text (words, code, CJK with
	// punctuation) never has such a stretch and is counted exactly.
	maxStretch = 256
	// maxSegment is about how much text one encoder call gets; larger
	// parts would only save calls.
	maxSegment = 16 << 10
)

// segments calls fn with consecutive parts of text, of about size bytes
// (maxSegment), whose tokens, encoded part by part, are the tokens of the
// whole (see maxStretch for the one exception). It stops when fn returns
// false.
//
// A part ends only after a letter or digit that is followed by anything
// but a letter, digit, combining mark or apostrophe. Every tiktoken
// pattern (r50k to o200k) ends a piece there: a letter piece cannot take
// the next character (only marks and "'s"-like suffixes extend it), a
// digit piece stops at a non-digit, and the next piece starts fresh (the
// patterns have no look-behind). Nor does the end of the text change how
// the pieces before the cut match: only runs of spaces look ahead.
func segments(text string, size int, fn func(part string) bool) {
	start := 0   // start of the current part
	safe := -1   // last place in the current part where it may end exactly
	stretch := 0 // start of the text since the last such place
	var prev rune = -1
	for i, r := range text {
		if prev >= 0 && endsPiece(prev, r) {
			safe, stretch = i, i
		}
		switch {
		case i-stretch > maxStretch:
			// No piece ends anywhere near: cut at this rune (estimate).
			if !fn(text[start:i]) {
				return
			}
			start, safe, stretch = i, -1, i
		case i-start >= size && safe > start:
			if !fn(text[start:safe]) {
				return
			}
			start = safe
		}
		prev = r
	}
	if start < len(text) {
		fn(text[start:])
	}
}

// endsPiece tells whether a pre-tokenised piece ends between prev and next.
func endsPiece(prev, next rune) bool {
	if !unicode.IsLetter(prev) && !unicode.IsNumber(prev) {
		return false
	}
	if next == '\'' || next == utf8.RuneError {
		return false
	}
	return !unicode.IsLetter(next) && !unicode.IsNumber(next) && !unicode.Is(unicode.M, next)
}
