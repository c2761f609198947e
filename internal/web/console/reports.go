package console

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/web"
)

// Reports for supervisors (their institution) and auditors (any institution,
// read-only): certificates issued, renewed, reissued and revoked by day (KST) over a
// range, default the last 30 days, and fees by kind of certificate, from the
// certificates and billing tables. The chart is SVG drawn on the server (presentation
// attributes, no script or style, under the strict CSP), with the same figures in a
// table beside it; the CSV is UTF-8 with a byte order mark, so that Excel reads the
// Korean headers.

// maxReportDays bounds a report's range.
const maxReportDays = 366

type reportRange struct {
	Inst     model.Institution
	From, To time.Time // KST midnights; To is the last day, inclusive
}

// reportRange reads inst, from and to; a field error names the field.
func (q *req) reportRange() (reportRange, *web.FieldError, error) {
	f := q.r.URL.Query()
	var rr reportRange
	rr.Inst = q.inst
	if q.staff.Role == model.RoleAuditor {
		code := f.Get("inst")
		if code == "" {
			list, err := q.h.o.Directory.Institutions(q.r.Context())
			if err != nil {
				return rr, nil, err
			}
			if len(list) > 0 {
				code = list[0].Code
			}
		}
		inst, err := q.h.o.Directory.Institution(q.r.Context(), code)
		if err != nil {
			return rr, &web.FieldError{Field: "inst", Message: q.l.T("report.inst_invalid")}, nil
		}
		rr.Inst = inst
	}
	y, m, d := q.h.o.Now().In(kst).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, kst)
	rr.To, rr.From = today, today.AddDate(0, 0, -29)
	parse := func(name string, dst *time.Time) *web.FieldError {
		if v := f.Get(name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, kst)
			if err != nil {
				return &web.FieldError{Field: name, Message: q.l.T("report.date_invalid")}
			}
			*dst = t
		}
		return nil
	}
	if fe := parse("from", &rr.From); fe != nil {
		return rr, fe, nil
	}
	if fe := parse("to", &rr.To); fe != nil {
		return rr, fe, nil
	}
	if rr.To.Before(rr.From) || rr.To.Sub(rr.From) >= maxReportDays*24*time.Hour {
		return rr, &web.FieldError{Field: "to", Message: q.l.F("report.range_invalid", "days", maxReportDays)}, nil
	}
	return rr, nil, nil
}

// reportData is a report's figures, with every day of the range.
type reportData struct {
	Days   []model.ReportDay
	Fees   []model.ReportFee
	Totals model.ReportDay
	Fee    int64
}

func (q *req) reportData(rr reportRange) (reportData, error) {
	st := q.h.o.Supervision.Store
	end := rr.To.AddDate(0, 0, 1)
	days, err := st.ReportDays(q.r.Context(), rr.Inst.Code, rr.From, end)
	if err != nil {
		return reportData{}, err
	}
	fees, err := st.ReportFees(q.r.Context(), rr.Inst.Code, rr.From, end)
	if err != nil {
		return reportData{}, err
	}
	byDay := map[string]model.ReportDay{}
	for _, d := range days {
		byDay[d.Day] = d
	}
	var out reportData
	for t := rr.From; t.Before(end); t = t.AddDate(0, 0, 1) {
		key := t.Format("2006-01-02")
		d := byDay[key]
		d.Day = key
		out.Days = append(out.Days, d)
		out.Totals.Issued += d.Issued
		out.Totals.Renewed += d.Renewed
		out.Totals.Reissued += d.Reissued
		out.Totals.Revoked += d.Revoked
	}
	out.Fees = fees
	for _, f := range fees {
		out.Fee += f.AmountKRW
	}
	return out, nil
}

// The chart's series, in stacking order, with their colours (Okabe-Ito, distinguishable
// with colour blindness; the legend and the table carry the same figures in words).
var reportSeries = []struct{ Key, Fill string }{
	{"issued", "#0072B2"}, {"renewed", "#009E73"}, {"reissued", "#E69F00"}, {"revoked", "#D55E00"},
}

type svgRect struct {
	X, Y, W, H float64
	Fill       string
	Title      string
}

type svgText struct {
	X, Y   float64
	Anchor string
	Text   string
}

type chartView struct {
	W, H          float64
	Bars          []svgRect
	Labels, Ticks []svgText
	Grid          []float64 // y of grid lines
	Left, Bottom  float64
	Legend        []svgRect
	LegendText    []svgText
	Summary       string
}

// chart draws the days as stacked bars.
func (q *req) chart(days []model.ReportDay) chartView {
	const w, h, left, top, bottom = 560.0, 250.0, 34.0, 34.0, 220.0
	c := chartView{W: w, H: h, Left: left, Bottom: bottom}
	max := 0
	for _, d := range days {
		if n := d.Issued + d.Renewed + d.Reissued + d.Revoked; n > max {
			max = n
		}
	}
	scaleMax := 4
	for scaleMax < max {
		scaleMax *= 2
	}
	span := bottom - top
	for i := 0; i <= 4; i++ {
		y := bottom - span*float64(i)/4
		c.Grid = append(c.Grid, y)
		c.Ticks = append(c.Ticks, svgText{X: left - 6, Y: y + 4, Anchor: "end", Text: strconv.Itoa(scaleMax * i / 4)})
	}
	slot := (w - left - 10) / float64(len(days))
	bw := slot * 0.7
	if bw < 1 {
		bw = 1
	}
	every := (len(days) + 5) / 6
	for i, d := range days {
		x := left + float64(i)*slot + (slot-bw)/2
		y := bottom
		for _, s := range reportSeries {
			n := map[string]int{"issued": d.Issued, "renewed": d.Renewed, "reissued": d.Reissued, "revoked": d.Revoked}[s.Key]
			if n == 0 {
				continue
			}
			hgt := span * float64(n) / float64(scaleMax)
			y -= hgt
			c.Bars = append(c.Bars, svgRect{X: x, Y: y, W: bw, H: hgt, Fill: s.Fill,
				Title: q.l.F("report.bar_title", "day", d.Day, "what", q.l.T("report."+s.Key), "count", n)})
		}
		if i%every == 0 {
			c.Labels = append(c.Labels, svgText{X: x + bw/2, Y: bottom + 18, Anchor: "middle", Text: d.Day[5:]})
		}
	}
	for i, s := range reportSeries {
		x := left + float64(i)*128
		c.Legend = append(c.Legend, svgRect{X: x, Y: 6, W: 14, H: 14, Fill: s.Fill})
		c.LegendText = append(c.LegendText, svgText{X: x + 20, Y: 18, Anchor: "start", Text: q.l.T("report." + s.Key)})
	}
	return c
}

type reportsView struct {
	Range        reportRange
	From, To     string
	Institutions []model.Institution
	Data         reportData
	Chart        chartView
	CSVURL       string
}

func (h *Handler) reportsPage(q *req) {
	rr, fe, err := q.reportRange()
	if err != nil {
		q.fail(err)
		return
	}
	v := reportsView{Range: rr, From: rr.From.Format("2006-01-02"), To: rr.To.Format("2006-01-02")}
	if q.staff.Role == model.RoleAuditor {
		v.Institutions, _ = h.o.Directory.Institutions(q.r.Context())
	}
	if fe != nil {
		p := q.page("report.title", q.view(v))
		p.Errors = []web.FieldError{*fe}
		h.tmpl.Render(q.w, 400, "reports", p)
		return
	}
	if v.Data, err = q.reportData(rr); err != nil {
		q.fail(err)
		return
	}
	v.Chart = q.chart(v.Data.Days)
	v.Chart.Summary = q.l.F("report.chart_summary", "issued", v.Data.Totals.Issued, "renewed", v.Data.Totals.Renewed,
		"reissued", v.Data.Totals.Reissued, "revoked", v.Data.Totals.Revoked)
	v.CSVURL = fmt.Sprintf("/console/reports/csv?inst=%s&from=%s&to=%s&lang=%s", rr.Inst.Code, v.From, v.To, q.l.Lang)
	q.event("console.report_viewed", rr.Inst.Code, map[string]string{"from": v.From, "to": v.To})
	q.render(200, "reports", "report.title", v)
}

// reportsCSV is the report as CSV: the days, a blank line, the fees.
func (h *Handler) reportsCSV(q *req) {
	rr, fe, err := q.reportRange()
	if err != nil {
		q.fail(err)
		return
	}
	if fe != nil {
		q.fail(errs.New(errs.ConsoleBadInput, "%s", fe.Field))
		return
	}
	d, err := q.reportData(rr)
	if err != nil {
		q.fail(err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	T := q.l.T
	w.Write([]string{T("report.day"), T("report.issued"), T("report.renewed"), T("report.reissued"), T("report.revoked")})
	for _, r := range d.Days {
		w.Write([]string{r.Day, strconv.Itoa(r.Issued), strconv.Itoa(r.Renewed), strconv.Itoa(r.Reissued), strconv.Itoa(r.Revoked)})
	}
	w.Write([]string{T("report.total"), strconv.Itoa(d.Totals.Issued), strconv.Itoa(d.Totals.Renewed), strconv.Itoa(d.Totals.Reissued), strconv.Itoa(d.Totals.Revoked)})
	w.Write(nil)
	w.Write([]string{T("cert.kind"), T("kind.usage"), T("report.fee_count"), T("report.fee_amount")})
	for _, f := range d.Fees {
		w.Write([]string{T("kind." + f.Kind), T("kind." + f.Usage), strconv.Itoa(f.Count), strconv.FormatInt(f.AmountKRW, 10)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		q.fail(err)
		return
	}
	name := fmt.Sprintf("certcenter-report-%s-%s-%s.csv", rr.Inst.Code, rr.From.Format("20060102"), rr.To.Format("20060102"))
	q.event("console.report_exported", rr.Inst.Code, map[string]string{"from": rr.From.Format("2006-01-02"), "to": rr.To.Format("2006-01-02")})
	web.SecurityHeaders(q.w)
	q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	q.w.Header().Set("Cache-Control", "no-store")
	q.w.Write(buf.Bytes())
}
