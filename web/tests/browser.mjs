// What every browser test shares: Debian's Chromium driven by playwright-core, axe-core run
// on every page visited (WCAG 2.0, 2.1 and 2.2, levels A and AA: zero violations, or the
// test fails listing them), and screenshots kept under target/browser-artefacts/.
//
// scripts/browser-tests.sh starts `pathway serve --demo` and passes what it printed:
// PATHWAY_URL, PATHWAY_WORKER_USERNAME and PATHWAY_WORKER_PASSWORD (the demo's team manager:
// PATHWAY_MANAGER_USERNAME and PATHWAY_MANAGER_PASSWORD); CHROMIUM (the browser's
// path) and PATHWAY_ARTEFACTS (where screenshots go).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import AxeBuilder from '@axe-core/playwright'

const require = createRequire(import.meta.url)

function required (name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run the browser tests with scripts/browser-tests.sh`)
  return value
}

export const baseUrl = () => required('PATHWAY_URL')
export const worker = () => ({ username: required('PATHWAY_WORKER_USERNAME'), password: required('PATHWAY_WORKER_PASSWORD') })
export const teamManager = () => ({ username: required('PATHWAY_MANAGER_USERNAME'), password: required('PATHWAY_MANAGER_PASSWORD') })

const artefacts = process.env.PATHWAY_ARTEFACTS || path.resolve('target/browser-artefacts')
fs.mkdirSync(artefacts, { recursive: true })

// The axe engine the package pins (axe-core 4.14), not the one @axe-core/playwright bundles.
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

export async function launch () {
  return chromium.launch({
    executablePath: required('CHROMIUM'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
  })
}

// A fresh browser context (its own cookies). axe hangs without JavaScript, so a context
// with JavaScript off is only for proving journeys work without it.
export async function context (browser, { javaScript = true } = {}) {
  return browser.newContext({ javaScriptEnabled: javaScript, baseURL: baseUrl() })
}

// The accessibility check of the page as it is now: fails listing every violation.
export async function accessible (page, name) {
  const results = await new AxeBuilder({ page, axeSource }).withTags(WCAG).analyze()
  const found = results.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map(n => n.target.join(' ')).join('\n    ')}`)
  assert.deepEqual(found, [], `axe found accessibility violations on ${name} (${page.url()}):\n  ${found.join('\n  ')}`)
}

export async function screenshot (page, name) {
  await page.screenshot({ path: path.join(artefacts, `${name}.png`), fullPage: true })
}

// Visit a page: it must answer with `status`, pass axe (when JavaScript is on), and is kept
// as a screenshot.
export async function visit (page, address, name, { status = 200, axe = true } = {}) {
  const response = await page.goto(address)
  assert.equal(response.status(), status, `${address} answered ${response.status()}`)
  await checked(page, name, { axe })
  return response
}

// The page now shown (after a click or a form): axe, and a screenshot.
export async function checked (page, name, { axe = true } = {}) {
  assert.equal(await page.locator('html').getAttribute('lang'), 'en-GB')
  if (axe) await accessible(page, name)
  await screenshot(page, name)
}
