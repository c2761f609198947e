package console

import "net/url"

// certPage is how many certificates the customer's page shows at a time. A person has
// a few; a corporate customer renewing many certificates a year may have hundreds, and
// the page stays one bounded query (keyset, center.CustomerCertificatesPage).
const certPage = 20

// certPageLinks are the customer's page links to the next page of certificates (when
// there is one) and back to the first (when this is a later page).
func certPageLinks(customerID, after, next string) (nextLink, firstLink string) {
	base := "/console/customers/" + url.PathEscape(customerID)
	if next != "" {
		nextLink = base + "?" + url.Values{"certs": {next}}.Encode() + "#cert-table"
	}
	if after != "" {
		firstLink = base + "#cert-table"
	}
	return nextLink, firstLink
}
