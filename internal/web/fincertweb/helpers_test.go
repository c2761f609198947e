package fincertweb_test

import (
	"github.com/chromedp/chromedp"
)

func setSelect(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}
