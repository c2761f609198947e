package main

// Messages of --key-form (how key files are encrypted; issue 18 item 1), in their own
// table like messages_cmp.go; init adds them to messages and TestKeyFormMessages
// checks them.

const (
	msgBadKeyForm  = "bad-key-form"
	msgHintKeyForm = "hint-key-form"
	msgKeyFormHelp = "key-form-help"

	// Iteration counts over npki's limits (issue 17 item 6).
	msgKeyIterations     = "key-iterations-too-high"
	msgHintKeyIterations = "hint-key-iterations-too-high"
	msgPFXIterations     = "pfx-iterations-too-high"
	msgHintPFXIterations = "hint-pfx-iterations-too-high"
)

var keyFormMessages = map[msgID]text{
	msgBadKeyForm: {"--key-form %q: use korean or strong", "--key-form %q: korean 또는 strong 을 쓰십시오"},
	msgHintKeyForm: {"korean (the default) is what every Korean program reads; strong resists password guessing better but only certctl and OpenSSL can open it (certctl help key-form)",
		"korean(기본값)은 모든 국내 프로그램이 읽는 형식이고, strong 은 비밀번호 대입에 더 강하지만 certctl 과 OpenSSL 만 열 수 있습니다 (certctl help key-form)"},
	msgKeyFormHelp: {`--key-form chooses how certctl encrypts the signPri.key it writes (issue, renew,
auto-renew, import, passwd):

  korean  seedCBCWithSHA1: SEED-CBC under PBKDF1-SHA1, 8-byte salt, 2048 iterations,
          the form of the key files the CAs' and banks' software write. Every Korean
          program reads it. The default for new key files.
  strong  PBES2: SEED-CBC under PBKDF2-HMAC-SHA256, 16-byte salt, 100,000
          iterations, about 50 times the work for someone guessing the password of a
          stolen file. The cost: bank, government and CA programs that follow the real
          files cannot open it (they report a wrong password), so the certificate
          works only with certctl and OpenSSL. Choose it only if that is enough.

passwd keeps the file's own form unless --key-form is given. Key files written by
certctl before this option were in the strong form; to make one readable by Korean
programs again: certctl passwd SELECTOR --key-form korean
`, `--key-form 은 certctl 이 쓰는 signPri.key 의 암호화 방식을 고릅니다 (issue, renew,
auto-renew, import, passwd):

  korean  seedCBCWithSHA1: PBKDF1-SHA1 (솔트 8바이트, 2048회)로 만든 키로 SEED-CBC
          암호화. 인증기관과 은행 프로그램이 쓰는 키 파일 형식으로, 모든 국내
          프로그램이 읽습니다. 새 키 파일의 기본값입니다.
  strong  PBES2: PBKDF2-HMAC-SHA256 (솔트 16바이트, 100,000회)로 만든 키로 SEED-CBC
          암호화. 키 파일을 훔친 사람이 비밀번호를 대입하는 데 약 50배의 시간이
          듭니다. 대신 실제 키 파일 형식을 따르는 은행, 공공기관, 인증기관 프로그램은
          이 파일을 열지 못하고 비밀번호가 틀렸다고 합니다. 인증서를 certctl 과
          OpenSSL 에서만 쓸 수 있으므로 그것으로 충분할 때만 고르십시오.

passwd 는 --key-form 을 주지 않으면 파일의 원래 형식을 그대로 씁니다. 이 옵션 이전의
certctl 이 쓴 키 파일은 strong 형식입니다. 국내 프로그램이 다시 읽게 하려면:
certctl passwd 인증서 --key-form korean
`},

	msgKeyIterations: {"the key file %s was refused: it asks for more password-hashing rounds than any real key file",
		"키 파일 %s 을(를) 열지 않았습니다: 실제 키 파일보다 훨씬 많은 비밀번호 해시 반복 횟수를 요구합니다"},
	msgHintKeyIterations: {"real key files use 2048 rounds (PBES2 files up to 600,000); this one is damaged or made to stall the device: copy the certificate folder again from a backup",
		"실제 키 파일은 2048회(PBES2 파일은 최대 600,000회)를 씁니다. 이 파일은 손상되었거나 기기를 멈추게 하려고 만든 것입니다. 백업에서 인증서 폴더를 다시 복사하십시오"},
	msgPFXIterations: {"%s was refused: it asks for more password-hashing rounds than any real PKCS#12 file",
		"%s 을(를) 열지 않았습니다: 실제 PKCS#12 파일보다 훨씬 많은 비밀번호 해시 반복 횟수를 요구합니다"},
	msgHintPFXIterations: {"PKCS#12 files use 1024 to 10,000 rounds; export the certificate again with the usual settings",
		"PKCS#12 파일은 1024~10,000회를 씁니다. 인증서를 보통 설정으로 다시 내보내십시오"},
}

func init() {
	for id, t := range keyFormMessages {
		messages[id] = t
	}
}
