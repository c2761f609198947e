// Package web is certcenter's web layer, shared by the customers' certificate center
// (web/center), the staff console and the financial certificate's pages: browser
// sessions kept in the database (several nodes serve one customer), CSRF tokens, the
// security headers (a strict Content-Security-Policy with no inline script or style),
// the Korean and English message catalogues, the page layout and the embedded assets.
//
// web holds no business rule: handlers in its sub-packages are thin adapters over the
// same center and ca services the JSON API uses, and everything the browser's scripts
// do is checked again by the server. It never logs form values, identity numbers,
// codes or passwords. Private keys and key-file passwords never reach it: the browser
// makes and keeps them (ui/static/js, and the npki package compiled to WebAssembly).
package web
