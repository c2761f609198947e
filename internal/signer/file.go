package signer

import "errors"

// LoadFile is written once npki's PBES2 codec lands.
func LoadFile(path string, passphrase []byte) (Signer, error) {
	return nil, errors.New("signer: key files: not implemented yet")
}
