//go:build !unix

package connlimit

// Auto is the cap for systems without an open-file limit to read: the
// one a usual limit of 1024 descriptors gives.
func Auto() (max int, fileLimit uint64) {
	return FromFileLimit(usualFileLimit), usualFileLimit
}
