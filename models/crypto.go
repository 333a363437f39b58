package models

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// sealer encrypts secrets at rest (endpoint signing keys) with AES-256-GCM. The stored form is
// nonce || ciphertext; the row id is the additional data, so a sealed key copied onto another
// row does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, errors.New("encryption key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(plaintext []byte, rowID string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plaintext, []byte(rowID)), nil
}

func (s *sealer) open(sealed []byte, rowID string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed value too short")
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(rowID))
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w (was SWITCHBOARD_SECRET_KEY changed?)", err)
	}
	return out, nil
}

// SetEncryptionKey sets the 32-byte key that protects secrets at rest.
func (s *Store) SetEncryptionKey(key []byte) error {
	sl, err := newSealer(key)
	if err != nil {
		return err
	}
	s.sealer = sl
	return nil
}
