package cloudcert

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"sync"
	"time"
)

// The cloud keys: generated here, RSA-2048, marshalled as PKCS#8 and wrapped at once
// under the key source's KEK, bound to the line id and the purpose. The plaintext DER
// exists only in memory, for the time of one signature, and is cleared after.

func newKey() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, KeyBits) }

func keyAD(lineID string) []byte { return []byte("fincert-key\x00" + lineID) }
func rAD(lineID string) []byte   { return []byte("fincert-r\x00" + lineID) }

func (s *Service) wrapKey(lineID string, k *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	defer clear(der)
	return s.keys.Wrap(der, keyAD(lineID))
}

// unwrapKey returns the line's private key. The caller checked PIN and device first.
// Opened keys stay in this process's memory (never on disk) for keyCacheTTL after their
// last use, so that a session's logins and transfers do not pay the unwrap and the key
// parse each time (the benchmark in bench_test.go: about a third of a signature).
func (s *Service) unwrapKey(lineID string, wrapped []byte) (*rsa.PrivateKey, error) {
	ck := lineID + "\x00" + string(sha256Sum(wrapped))
	if k := s.cache.get(ck, s.now()); k != nil {
		return k, nil
	}
	k, err := s.openKey(lineID, wrapped)
	if err != nil {
		return nil, err
	}
	s.cache.put(ck, k, s.now())
	return k, nil
}

func (s *Service) openKey(lineID string, wrapped []byte) (*rsa.PrivateKey, error) {
	der, err := s.keys.Unwrap(wrapped, keyAD(lineID))
	if err != nil {
		return nil, fmt.Errorf("cloudcert: unwrap key of %s: %w", lineID, err)
	}
	defer clear(der)
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("cloudcert: key of %s: %w", lineID, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("cloudcert: key of %s is %T, not RSA", lineID, k)
	}
	return rk, nil
}

var _ crypto.Signer = (*rsa.PrivateKey)(nil)

func sha256Sum(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

// keyCache holds opened keys for keyCacheTTL after their last use, at most
// keyCacheMax of them (the oldest half is dropped when full).
type keyCache struct {
	mu sync.Mutex
	m  map[string]cachedKey
}

type cachedKey struct {
	k    *rsa.PrivateKey
	used time.Time
}

const (
	keyCacheTTL = 5 * time.Minute
	keyCacheMax = 4096
)

func (c *keyCache) get(id string, now time.Time) *rsa.PrivateKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.Sub(e.used) > keyCacheTTL || now.Before(e.used) {
		delete(c.m, id)
		return nil
	}
	e.used = now
	c.m[id] = e
	return e.k
}

func (c *keyCache) put(id string, k *rsa.PrivateKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedKey{}
	}
	if len(c.m) >= keyCacheMax {
		for id, e := range c.m {
			if now.Sub(e.used) > keyCacheTTL/2 || len(c.m) >= keyCacheMax {
				delete(c.m, id)
			}
		}
	}
	c.m[id] = cachedKey{k: k, used: now}
}

// drop forgets every opened key of a line (its key changed or it left service).
func (c *keyCache) drop(lineID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.m {
		if len(id) > len(lineID) && id[:len(lineID)] == lineID && id[len(lineID)] == 0 {
			delete(c.m, id)
		}
	}
}
