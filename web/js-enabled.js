// The design system's "JavaScript is on" marker, loaded at the start of <body>: components
// that JavaScript enhances style themselves by it. A file, not an inline script, so the
// content security policy needs no exception.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
