// A social worker signs in, reads their own progression and signs out; the same journey
// works with JavaScript off. Every page visited with JavaScript on passes axe.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, context, visit, checked, worker } from './browser.mjs'

let browser

before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

async function signIn (page, username, password, name, { axe = true } = {}) {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState()
  await checked(page, name, { axe })
}

test('a signed-out visit to a signed-in page goes to the sign-in page', async () => {
  const page = await (await context(browser)).newPage()
  await visit(page, '/home', 'home-signed-out-redirected')
  assert.match(page.url(), /\/sign-in$/)
  await page.context().close()
})

test('a sign-in with fields missing or a wrong password says what is wrong and keeps what was typed', async () => {
  const page = await (await context(browser)).newPage()
  await visit(page, '/sign-in', 'sign-in')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState()
  await checked(page, 'sign-in-empty')
  const summary = page.locator('.govuk-error-summary')
  assert.match(await summary.innerText(), /Enter your username/)
  assert.match(await summary.innerText(), /Enter your password/)
  assert.match(await page.title(), /^Error: /)
  assert.equal(await page.locator('#username-error').count(), 1, 'the error beside the field')

  const { username } = worker()
  await signIn(page, username, 'not the password', 'sign-in-wrong-password')
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a correct username and password/)
  assert.equal(await page.getByLabel('Username').inputValue(), username, 'the username is kept')
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password is not')
  await page.context().close()
})

test('a social worker sees their level, pay and routes, and signs out', async () => {
  const page = await (await context(browser)).newPage()
  await visit(page, '/sign-in', 'sign-in-worker')
  const { username, password } = worker()
  await signIn(page, username, password, 'home')
  assert.match(page.url(), /\/home$/)
  const today = await page.locator('.govuk-summary-list').first().innerText()
  for (const key of ['Level', 'Grade', 'Point']) assert.match(today, new RegExp(key))
  assert.match(await page.locator('main').innerText(), /My routes/)
  assert.match(await page.locator('body').innerText(), new RegExp(`Signed in as ${username}`))

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForLoadState()
  await checked(page, 'signed-out')
  assert.match(page.url(), /\/sign-in$/)
  await visit(page, '/home', 'home-after-sign-out')
  assert.match(page.url(), /\/sign-in$/, 'the session has ended')
  await page.context().close()
})

test('with JavaScript off a social worker can still sign in, read their page and sign out', async () => {
  const page = await (await context(browser, { javaScript: false })).newPage()
  await visit(page, '/sign-in', 'nojs-sign-in', { axe: false })
  const { username, password } = worker()
  await signIn(page, username, password, 'nojs-home', { axe: false })
  assert.match(page.url(), /\/home$/)
  const classes = await page.locator('body').getAttribute('class')
  assert.doesNotMatch(classes, /js-enabled/, 'JavaScript is really off: js-enabled.js did not run')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForLoadState()
  assert.match(page.url(), /\/sign-in$/)
  await page.context().close()
})
