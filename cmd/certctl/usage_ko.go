package main

// usage is the help text in the user's language: main.go's English text, or its Korean
// translation here. Command and flag names stay as typed; only the words around them
// are translated. TestUsageKorean keeps the two in step (every flag of one is in the
// other).
func (c *cli) usage() string {
	if c.lang == langKO {
		return usageKO
	}
	return usage
}

const usageKO = `certctl: 공동인증서 관리 프로그램 (NPKI 폴더)

사용법:
  certctl list   [--npki-dir 폴더] [--check] [--no-cache] [--json]
  certctl show   인증서 [--npki-dir 폴더] [--json]
  certctl import 파일.pfx [--password-file 파일] [--force] [--key-form 형식] [--npki-dir 폴더] [--json]
  certctl export 인증서 --out 파일.pfx [--modern] [--force]
                 [--password-file 파일] [--new-password | --new-password-file 파일] [--json]
  certctl passwd 인증서 [--password-file 파일] [--new-password-file 파일] [--key-form 형식] [--json]
  certctl vid    인증서 --idn 번호 [--password-file 파일] [--json]

  certctl copy receive --server URL [--force] [--npki-dir 폴더] [--json]
  certctl copy send 인증서 --server URL --code 코드 [--confirm 번호] [--json]
  certctl sign   인증서 --in 파일 --out 파일.p7s [--detached] [--include-r]
                 [--password-file 파일] [--force] [--json]
  certctl verify --in 파일.p7s [--content 파일] [--trust 루트 | --server URL]
                 [--idn 번호 [--r 16진수]] [--no-cache] [--json]

  certctl issue  --server URL --ref 참조번호 --code 인가코드 [--new-password-file 파일]
                 [--trust 루트] [--force] [--key-form 형식] [--npki-dir 폴더] [--json]
  certctl renew  인증서 [--server URL] [--password-file 파일]
                 [--new-password | --new-password-file 파일] [--keep-old] [--key-form 형식]
                 [--npki-dir 폴더] [--json]
  certctl revoke 인증서 --reason 사유 [--yes] [--server URL] [--password-file 파일]
                 [--npki-dir 폴더] [--json]
  certctl auto-renew [--password-file 파일] [--server URL] [--keep-old] [--key-form 형식]
                 [--npki-dir 폴더] [--json]

인증서는 목록 번호(1, 2, ...), 16진수 일련번호, 또는 주체 이름의 고유한 일부로
지정합니다. 비밀번호는 화면에 보이지 않게 물어보거나, --password-file /
--new-password-file 로 파일에서 읽습니다 (- 는 표준 입력; 끝의 줄바꿈 하나는
지웁니다). 새 비밀번호는 영문자, 숫자, 특수문자를 섞어 10자 이상이어야 하며
“ ” ‘ ’ " ' \ | 는 쓸 수 없습니다.

NPKI 폴더는 --npki-dir, 없으면 $CERTCTL_NPKI_DIR, 없으면 시스템 기본 폴더입니다
(Linux ~/NPKI, macOS ~/Library/Preferences/NPKI,
Windows %USERPROFILE%\AppData\LocalLow\NPKI). 둘 다 없으면 국내 프로그램이 인증서를 두는
곳도 찾습니다: C:\Program Files\NPKI (예전 Windows), ~/Documents/NPKI (macOS),
/sdcard/NPKI (Android), 이동식 디스크.

키 파일(signPri.key)은 모든 국내 프로그램이 읽는 형식(seedCBCWithSHA1)으로 씁니다.
--key-form strong 은 대신 PBES2/SHA-256 으로 써서 비밀번호 대입에 더 강하지만 certctl 과
OpenSSL 만 읽을 수 있습니다. passwd 는 --key-form 이 없으면 파일의 원래 형식을 그대로
씁니다. 자세한 내용은 certctl help key-form 을 보십시오.

copy: 받는 기기가 12자리 코드(5분 동안 한 번 유효)를 보여 주고, 두 기기에 같은
확인 번호가 표시됩니다. 키 파일은 비밀번호로 암호화된 채 종단 간 암호화되어
전달됩니다. 보내는 기기는 받는 기기가 파일을 저장했는지 거절했는지 알려 줍니다.
--server 의 기본값은 $CERTCTL_SERVER 입니다. verify 와 list --check 는 OCSP 응답을
$CERTCTL_CACHE_DIR (기본 ~/.cache/certctl) 에 저장하되, "폐기되지 않음" 응답은 5분까지만
씁니다. --no-cache 는 저장된 응답을 쓰지 않습니다.

issue 는 이 기기에서 키와 R 을 만들고, 서버의 응답이 검증된 뒤에만 인증서를
저장합니다 (인가코드로 MAC 되고, 표시된 루트 인증서로 연결됨). renew, revoke,
auto-renew 는 인증서에 적힌 서버(AIA), 또는 --server, 또는 $CERTCTL_SERVER 로
갑니다. renew 는 만료 30일 전부터 만료일까지 할 수 있고, 비밀번호는 따로 묻지 않으면
그대로 두며, 이전 폴더를 바꿉니다 (--keep-old 는 남겨 둡니다). auto-renew 는 갱신
기간에 든 모든 인증서를 갱신하고, 하나라도 실패하면 2 로 끝납니다.

종료 코드: 0 성공 (vid: 일치, verify: 모든 확인 통과), 1 vid 불일치 또는 verify
확인 실패, 2 오류.
`
