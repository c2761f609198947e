package cmp

import (
	encoding_asn1 "encoding/asn1"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// PKIStatus (RFC 4210 section 5.2.3).
type PKIStatus int

const (
	StatusAccepted               PKIStatus = 0
	StatusGrantedWithMods        PKIStatus = 1
	StatusRejection              PKIStatus = 2
	StatusWaiting                PKIStatus = 3
	StatusRevocationWarning      PKIStatus = 4
	StatusRevocationNotification PKIStatus = 5
	StatusKeyUpdateWarning       PKIStatus = 6
)

var statusNames = [...]string{"accepted", "grantedWithMods", "rejection", "waiting",
	"revocationWarning", "revocationNotification", "keyUpdateWarning"}

func (s PKIStatus) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("PKIStatus(%d)", int(s))
}

// FailureInfo is the PKIFailureInfo named BIT STRING (RFC 4210 section 5.2.3): bit n of
// the ASN.1 BIT STRING is 1<<n here. Combine bits with |.
type FailureInfo uint32

const (
	FailBadAlg              FailureInfo = 1 << 0
	FailBadMessageCheck     FailureInfo = 1 << 1
	FailBadRequest          FailureInfo = 1 << 2
	FailBadTime             FailureInfo = 1 << 3
	FailBadCertID           FailureInfo = 1 << 4
	FailBadDataFormat       FailureInfo = 1 << 5
	FailWrongAuthority      FailureInfo = 1 << 6
	FailIncorrectData       FailureInfo = 1 << 7
	FailMissingTimeStamp    FailureInfo = 1 << 8
	FailBadPOP              FailureInfo = 1 << 9
	FailCertRevoked         FailureInfo = 1 << 10
	FailCertConfirmed       FailureInfo = 1 << 11
	FailWrongIntegrity      FailureInfo = 1 << 12
	FailBadRecipientNonce   FailureInfo = 1 << 13
	FailTimeNotAvailable    FailureInfo = 1 << 14
	FailUnacceptedPolicy    FailureInfo = 1 << 15
	FailUnacceptedExtension FailureInfo = 1 << 16
	FailAddInfoNotAvailable FailureInfo = 1 << 17
	FailBadSenderNonce      FailureInfo = 1 << 18
	FailBadCertTemplate     FailureInfo = 1 << 19
	FailSignerNotTrusted    FailureInfo = 1 << 20
	FailTransactionIDInUse  FailureInfo = 1 << 21
	FailUnsupportedVersion  FailureInfo = 1 << 22
	FailNotAuthorized       FailureInfo = 1 << 23
	FailSystemUnavail       FailureInfo = 1 << 24
	FailSystemFailure       FailureInfo = 1 << 25
	FailDuplicateCertReq    FailureInfo = 1 << 26
)

// failBits is the number of named bits; bits above are kept but unnamed.
const failBits = 27

var failNames = [failBits]string{"badAlg", "badMessageCheck", "badRequest", "badTime",
	"badCertId", "badDataFormat", "wrongAuthority", "incorrectData", "missingTimeStamp",
	"badPOP", "certRevoked", "certConfirmed", "wrongIntegrity", "badRecipientNonce",
	"timeNotAvailable", "unacceptedPolicy", "unacceptedExtension", "addInfoNotAvailable",
	"badSenderNonce", "badCertTemplate", "signerNotTrusted", "transactionIdInUse",
	"unsupportedVersion", "notAuthorized", "systemUnavail", "systemFailure", "duplicateCertReq"}

// String lists the set bits by their ASN.1 names, joined with "|".
func (f FailureInfo) String() string {
	var names []string
	for i := 0; i < 32; i++ {
		if f&(1<<i) == 0 {
			continue
		}
		if i < failBits {
			names = append(names, failNames[i])
		} else {
			names = append(names, fmt.Sprintf("bit%d", i))
		}
	}
	return strings.Join(names, "|")
}

// bitString encodes f as a DER named BIT STRING: trailing zero bits removed (X.690 11.2.2).
func (f FailureInfo) bitString() encoding_asn1.BitString {
	n := 0
	for i := 31; i >= 0; i-- {
		if f&(1<<i) != 0 {
			n = i + 1
			break
		}
	}
	bs := encoding_asn1.BitString{Bytes: make([]byte, (n+7)/8), BitLength: n}
	for i := 0; i < n; i++ {
		if f&(1<<i) != 0 {
			bs.Bytes[i/8] |= 0x80 >> (i % 8)
		}
	}
	return bs
}

func failureInfoFromBits(bs encoding_asn1.BitString) (FailureInfo, bool) {
	var f FailureInfo
	for i := 0; i < bs.BitLength; i++ {
		if bs.At(i) == 1 {
			if i >= 32 {
				return 0, false
			}
			f |= 1 << i
		}
	}
	return f, true
}

// StatusInfo is PKIStatusInfo (RFC 4210 section 5.2.3). A zero FailInfo is encoded as
// an absent failInfo.
type StatusInfo struct {
	Status       PKIStatus
	StatusString []string // PKIFreeText, UTF8Strings; nil when absent
	FailInfo     FailureInfo
}

// String renders the status the way OpenSSL prints it, for logs.
func (si StatusInfo) String() string {
	s := "PKIStatus: " + si.Status.String()
	if si.FailInfo != 0 {
		s += "; PKIFailureInfo: " + si.FailInfo.String()
	}
	if len(si.StatusString) > 0 {
		s += fmt.Sprintf("; StatusString: %q", strings.Join(si.StatusString, " "))
	}
	return s
}

func readStatusInfo(s *cryptobyte.String, out *StatusInfo) bool {
	var seq cryptobyte.String
	var status int64
	if !s.ReadASN1(&seq, asn1.SEQUENCE) || !seq.ReadASN1Integer(&status) || status < 0 || status > 1<<16 {
		return false
	}
	out.Status = PKIStatus(status)
	out.StatusString, out.FailInfo = nil, 0
	if seq.PeekASN1Tag(asn1.SEQUENCE) {
		var ok bool
		if out.StatusString, ok = readFreeText(&seq); !ok {
			return false
		}
	}
	if seq.PeekASN1Tag(asn1.BIT_STRING) {
		var bs encoding_asn1.BitString
		var ok bool
		if !seq.ReadASN1BitString(&bs) {
			return false
		}
		if out.FailInfo, ok = failureInfoFromBits(bs); !ok {
			return false
		}
	}
	return seq.Empty()
}

func addStatusInfo(b *cryptobyte.Builder, si StatusInfo) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(int64(si.Status))
		if si.StatusString != nil {
			addFreeText(b, si.StatusString)
		}
		if si.FailInfo != 0 {
			addBitString(b, asn1.BIT_STRING, si.FailInfo.bitString())
		}
	})
}
