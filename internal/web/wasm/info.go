//go:build js && wasm

package main

import (
	"archive/zip"
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"io"
	"path"
	"strings"
	"syscall/js"
	"time"

	relay "github.com/certcenter/certcenter/internal/relay/e2e"
	"github.com/certcenter/certcenter/npki"
)

var (
	oidOU = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidO  = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidCN = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// certInfo is what the pages show of a certificate: the holder's name (the CN before
// "()"), the kind (the first OU: personal4IB, corporation4EC, personalF), the
// institution (the second OU), the CA (O), validity, serial and policies.
func certInfo(c *x509.Certificate) map[string]any {
	var subj pkix.RDNSequence
	asn1.Unmarshal(c.RawSubject, &subj)
	var ous []any
	var cn, o string
	for _, rdn := range subj {
		for _, a := range rdn {
			v, _ := a.Value.(string)
			switch {
			case a.Type.Equal(oidOU):
				ous = append(ous, v)
			case a.Type.Equal(oidO):
				o = v
			case a.Type.Equal(oidCN):
				cn = v
			}
		}
	}
	name, _, _ := strings.Cut(cn, "()")
	var policies []any
	for _, p := range c.PolicyIdentifiers {
		policies = append(policies, p.String())
	}
	kind, inst := "", ""
	if len(ous) > 0 {
		kind, _ = ous[0].(string)
	}
	if len(ous) > 1 {
		inst, _ = ous[1].(string)
	}
	folder, _ := npki.CertDir("NPKI", c)
	_, vidErr := npki.ParseIdentifyDataFromCert(c)
	return map[string]any{
		"serial": hex.EncodeToString(c.SerialNumber.Bytes()), "cn": cn, "name": name, "ca": o,
		"kind": kind, "institution": inst, "ous": ous, "issuer": c.Issuer.CommonName,
		"notBefore": c.NotBefore.UTC().Format(time.RFC3339), "notAfter": c.NotAfter.UTC().Format(time.RFC3339),
		"policies": policies, "hasVID": vidErr == nil, "folder": folder,
	}
}

// readZip finds every certificate folder (signCert.der beside signPri.key) in a zip,
// whatever folder the user zipped (NPKI/..., USER/..., or the subject folder alone).
func readZip(b []byte) ([]any, *fail) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, &fail{"ZIP", err.Error()}
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		base := path.Base(f.Name)
		if base != "signCert.der" && base != "signPri.key" {
			continue
		}
		if f.UncompressedSize64 > 64<<10 || len(files) > 200 {
			return nil, &fail{"ZIP", "the zip holds files too large to be certificates"}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &fail{"ZIP", err.Error()}
		}
		data, err := io.ReadAll(io.LimitReader(rc, 64<<10))
		rc.Close()
		if err != nil {
			return nil, &fail{"ZIP", err.Error()}
		}
		files[f.Name] = data
	}
	var out []any
	for name, cert := range files {
		if path.Base(name) != "signCert.der" {
			continue
		}
		dir := path.Dir(name)
		key, ok := files[dir+"/signPri.key"]
		if !ok {
			continue
		}
		out = append(out, map[string]any{"cert": toJS(cert), "keyFile": toJS(key), "folder": dir})
	}
	if len(out) == 0 {
		return nil, &fail{"ZIP_EMPTY", "no folder with signCert.der and signPri.key in the zip"}
	}
	return out, nil
}

// exportRelay gives the copy relay's end-to-end cryptography (internal/relay) to the
// browser: the same code certctl runs, so browser and certctl copy to each other.
func exportRelay(api js.Value) {
	export(api, "relayKey", func(a []js.Value) (map[string]any, *fail) {
		k, err := relay.NewKeyPair()
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		id := nextID
		nextID++
		relays[id] = k
		return map[string]any{"handle": id, "publicKey": toJS(k.Public()), "commitment": toJS(relay.Commitment(k.Public()))}, nil
	})
	export(api, "relayCheckCommitment", func(a []js.Value) (map[string]any, *fail) {
		return map[string]any{"ok": relay.CheckCommitment(fromJS(arg(a, 0)), fromJS(arg(a, 1)))}, nil
	})
	export(api, "relayParseCode", func(a []js.Value) (map[string]any, *fail) {
		c, err := relay.ParseCode(arg(a, 0).String())
		if err != nil {
			return nil, &fail{"RELAY_CODE_FORMAT", err.Error()}
		}
		return map[string]any{"code": c, "formatted": relay.FormatCode(c)}, nil
	})
	// relayAgree(handle, peerKey, receiverKey, senderKey, code) -> {channel, confirmation}
	export(api, "relayAgree", func(a []js.Value) (map[string]any, *fail) {
		k, ok := relays[arg(a, 0).Int()]
		if !ok {
			return nil, &fail{"NO_KEY", "the relay key handle is not open"}
		}
		ch, err := k.Agree(fromJS(arg(a, 1)), fromJS(arg(a, 2)), fromJS(arg(a, 3)), arg(a, 4).String())
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		id := nextID
		nextID++
		chans[id] = ch
		delete(relays, arg(a, 0).Int())
		return map[string]any{"channel": id, "confirmation": ch.Confirmation}, nil
	})
	// relaySeal(channel, cert, keyFile, folder) -> {ciphertext}
	export(api, "relaySeal", func(a []js.Value) (map[string]any, *fail) {
		ch, ok := chans[arg(a, 0).Int()]
		if !ok {
			return nil, &fail{"NO_KEY", "the relay channel is not open"}
		}
		p, err := relay.MarshalPayload(relay.Payload{SignCert: fromJS(arg(a, 1)), SignKey: fromJS(arg(a, 2)), Folder: arg(a, 3).String()})
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		ct, err := ch.Seal(p)
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		return map[string]any{"ciphertext": toJS(ct)}, nil
	})
	// relaySealOutcome(channel, stored, reason, folder) -> {ciphertext}: the receiver's
	// report of what it did with the files (relay protocol step 5).
	export(api, "relaySealOutcome", func(a []js.Value) (map[string]any, *fail) {
		ch, ok := chans[arg(a, 0).Int()]
		if !ok {
			return nil, &fail{"NO_KEY", "the relay channel is not open"}
		}
		o, err := relay.MarshalOutcome(relay.Outcome{Stored: arg(a, 1).Bool(), Reason: arg(a, 2).String(), Folder: arg(a, 3).String()})
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		ct, err := ch.SealOutcome(o)
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		return map[string]any{"ciphertext": toJS(ct)}, nil
	})
	// relayOpenOutcome(channel, ciphertext) -> {stored, reason, folder}
	export(api, "relayOpenOutcome", func(a []js.Value) (map[string]any, *fail) {
		ch, ok := chans[arg(a, 0).Int()]
		if !ok {
			return nil, &fail{"NO_KEY", "the relay channel is not open"}
		}
		pt, err := ch.OpenOutcome(fromJS(arg(a, 1)))
		if err != nil {
			return nil, &fail{"RELAY_DECRYPT", err.Error()}
		}
		o, err := relay.ParseOutcome(pt)
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		return map[string]any{"stored": o.Stored, "reason": o.Reason, "folder": o.Folder}, nil
	})
	// relayOpen(channel, ciphertext) -> {cert, keyFile, folder}
	export(api, "relayOpen", func(a []js.Value) (map[string]any, *fail) {
		ch, ok := chans[arg(a, 0).Int()]
		if !ok {
			return nil, &fail{"NO_KEY", "the relay channel is not open"}
		}
		pt, err := ch.Open(fromJS(arg(a, 1)))
		if err != nil {
			return nil, &fail{"RELAY_DECRYPT", err.Error()}
		}
		p, err := relay.ParsePayload(pt)
		if err != nil {
			return nil, &fail{"RELAY", err.Error()}
		}
		return map[string]any{"cert": toJS(p.SignCert), "keyFile": toJS(p.SignKey), "folder": p.Folder}, nil
	})
}
