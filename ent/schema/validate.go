package schema

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	phonePattern      = regexp.MustCompile(`^[0-9+\- ]{5,20}$`)
	nationalIDPattern = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
)

const maxNameRunes = 60

// validName accepts 1–60 characters, not all blank.
func validName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("must not be empty")
	case utf8.RuneCountInString(s) > maxNameRunes:
		return errors.New("must be at most 60 characters")
	}
	return nil
}
