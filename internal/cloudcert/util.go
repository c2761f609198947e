package cloudcert

import (
	"crypto/rand"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

func randRead(b []byte) (int, error) { return rand.Read(b) }
