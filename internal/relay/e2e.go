package relay

import "github.com/certcenter/certcenter/internal/relay/e2e"

// The end-to-end cryptography, the code format and the payloads live in relay/e2e, a
// package with no dependency beyond the standard library, so that the browser's
// WebAssembly module (internal/web/wasm) carries exactly that code and nothing of the
// relay service. These names keep relay's callers (certctl, the tests) unchanged.

const (
	KeySize           = e2e.KeySize
	MaxPayload        = e2e.MaxPayload
	CodeDigits        = e2e.CodeDigits
	LocatorDigits     = e2e.LocatorDigits
	OutcomeExists     = e2e.OutcomeExists
	OutcomeUnreadable = e2e.OutcomeUnreadable
	OutcomeWriteError = e2e.OutcomeWriteError
)

type (
	KeyPair = e2e.KeyPair
	Channel = e2e.Channel
	Payload = e2e.Payload
	Outcome = e2e.Outcome
)

var (
	ErrCommitment   = e2e.ErrCommitment
	ErrDecrypt      = e2e.ErrDecrypt
	ErrCodeFormat   = e2e.ErrCodeFormat
	NewKeyPair      = e2e.NewKeyPair
	Commitment      = e2e.Commitment
	CheckCommitment = e2e.CheckCommitment
	ValidKey        = e2e.ValidKey
	MarshalPayload  = e2e.MarshalPayload
	ParsePayload    = e2e.ParsePayload
	MarshalOutcome  = e2e.MarshalOutcome
	ParseOutcome    = e2e.ParseOutcome
	NewCode         = e2e.NewCode
	ParseCode       = e2e.ParseCode
	FormatCode      = e2e.FormatCode
)
