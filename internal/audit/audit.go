// Package audit defines the hash chain of certcenter's append-only audit log and verifies
// it. Every lifecycle event is appended by the store in the same transaction as the change
// it records. The log is split into a fixed number of chains (shards) so that concurrent
// transactions on PostgreSQL do not all queue behind one chain head; each chain is a
// sequence 1, 2, 3... in which every entry's hash covers its content and the previous hash.
//
// audit owns the hashing rule and the verifier. It does not store entries (the store does)
// and it never sees personal data: callers put none in events.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"sort"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// Chains is the number of audit chains. Changing it later only affects new entries'
// placement; the verifier walks whatever chains exist.
const Chains = 16

// ChainFor places an event on a chain by its subject, so that all events of one
// certificate or enrollment stay in one chain and in order.
func ChainFor(ev model.AuditEvent) int {
	h := fnv.New32a()
	h.Write([]byte(ev.Subject))
	return int(h.Sum32() % Chains)
}

// Genesis is the previous hash of the first entry of every chain.
var Genesis = make([]byte, sha256.Size)

// Hash computes an entry's hash from its content and prevHash. The encoding is
// length-prefixed and key-sorted so that it is unambiguous and independent of map order.
// Time is truncated to microseconds, the precision both databases keep.
func Hash(chain int, seq int64, t time.Time, ev model.AuditEvent, prevHash []byte) []byte {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	binary.BigEndian.PutUint64(n[:], uint64(chain))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(seq))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(t.UTC().Truncate(time.Microsecond).UnixMicro()))
	h.Write(n[:])
	put([]byte(ev.Type))
	put([]byte(ev.Actor))
	put([]byte(ev.Institution))
	put([]byte(ev.Subject))
	keys := make([]string, 0, len(ev.Details))
	for k := range ev.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	binary.BigEndian.PutUint64(n[:], uint64(len(keys)))
	h.Write(n[:])
	for _, k := range keys {
		put([]byte(k))
		put([]byte(ev.Details[k]))
	}
	put(prevHash)
	return h.Sum(nil)
}

// Verifier checks entries chain by chain. Feed it every entry of a chain in seq order.
type Verifier struct {
	last  map[int][]byte
	seq   map[int]int64
	Count int
}

// NewVerifier returns an empty verifier.
func NewVerifier() *Verifier {
	return &Verifier{last: map[int][]byte{}, seq: map[int]int64{}}
}

// Add checks one entry against the chain so far. The error names the entry.
func (v *Verifier) Add(e model.AuditEntry) error {
	prev, ok := v.last[e.Chain]
	if !ok {
		prev = Genesis
	}
	if want := v.seq[e.Chain] + 1; e.Seq != want {
		return fmt.Errorf("audit: chain %d: entry %d follows %d (an entry is missing or out of order)", e.Chain, e.Seq, want-1)
	}
	if !bytes.Equal(e.PrevHash, prev) {
		return fmt.Errorf("audit: chain %d entry %d: previous hash does not match entry %d", e.Chain, e.Seq, e.Seq-1)
	}
	if got := Hash(e.Chain, e.Seq, e.Time, e.Event, e.PrevHash); !bytes.Equal(got, e.Hash) {
		return fmt.Errorf("audit: chain %d entry %d (%s %s): content does not match its hash (edited)", e.Chain, e.Seq, e.Event.Type, e.Event.Subject)
	}
	v.last[e.Chain] = e.Hash
	v.seq[e.Chain] = e.Seq
	v.Count++
	return nil
}

// CheckHeads compares what was walked with the store's chain heads, so that entries
// deleted from the end of a chain are detected too.
func (v *Verifier) CheckHeads(heads map[int]model.AuditHead) error {
	for chain, h := range heads {
		if v.seq[chain] != h.Seq {
			return fmt.Errorf("audit: chain %d: the head says %d entries, the log has %d (entries removed)", chain, h.Seq, v.seq[chain])
		}
		last := v.last[chain]
		if last == nil {
			last = Genesis
		}
		if !bytes.Equal(last, h.Hash) {
			return fmt.Errorf("audit: chain %d: the last entry's hash does not match the head", chain)
		}
	}
	for chain := range v.seq {
		if _, ok := heads[chain]; !ok {
			return fmt.Errorf("audit: chain %d has entries but no head", chain)
		}
	}
	return nil
}
