// A social worker's applications: where each one is, and starting one on a route out of
// their level. Every page visited with JavaScript on passes axe; the same journey works with
// JavaScript off.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, context, visit, checked, worker } from './browser.mjs'

let browser

before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

async function signIn (page, { axe = true } = {}) {
  await visit(page, '/sign-in', 'applications-sign-in', { axe })
  const { username, password } = worker()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState()
}

// The demo's social worker (Bexley) is not yet eligible on the one route out of their level,
// so opening an application is refused, and the page names the rule and what is missing.
// (The Rust page tests walk opening, checking the answers and a refused submit on the seed
// data, where the worker may open one.)
async function start (page, prefix, { axe = true } = {}) {
  await visit(page, '/applications', `${prefix}applications`, { axe })
  assert.match(await page.locator('main').innerText(), /Start an application/)
  await page.getByRole('button', { name: /Start an application/ }).first().click()
  await page.waitForLoadState()
  await checked(page, `${prefix}application-refused`, { axe })
  assert.match(page.url(), /\/applications$/)
  assert.match(await page.title(), /^Error: My applications/)
  const summary = await page.locator('.govuk-error-summary').innerText()
  assert.match(summary, /cannot open an application for/)
  assert.match(summary, /essential criteria are not met/)
  assert.match(await page.locator('main').innerText(), /You have not opened an application/, 'nothing was opened')
}

test('a social worker not yet eligible is told why an application cannot be opened', async () => {
  const page = await (await context(browser)).newPage()
  await signIn(page)
  await start(page, '')
  // The error links to the button it is about.
  await page.locator('.govuk-error-summary a').first().click()
  assert.match(await page.evaluate(() => document.activeElement?.id ?? ''), /^route-/)
  await page.context().close()
})

test('with JavaScript off a social worker reaches the same answer', async () => {
  const page = await (await context(browser, { javaScript: false })).newPage()
  await signIn(page, { axe: false })
  await start(page, 'nojs-', { axe: false })
  const classes = await page.locator('body').getAttribute('class')
  assert.doesNotMatch(classes, /js-enabled/, 'JavaScript is really off')
  await page.context().close()
})
