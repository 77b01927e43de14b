// A social worker reads their portfolio against their route, adds a reflective summary with
// PCF and KSS tags and a file (after a failed submit that keeps what they typed), and sees it
// confirmed and listed. Every page visited with JavaScript on passes axe; the same form works
// with JavaScript off.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, context, visit, checked, worker } from './browser.mjs'

let browser

before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

async function signIn (page, { axe = true } = {}) {
  await visit(page, '/sign-in', 'portfolio-sign-in', { axe })
  const { username, password } = worker()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState()
}

async function submit (page) {
  await page.getByRole('button', { name: 'Add evidence' }).click()
  await page.waitForLoadState()
}

test('a social worker sees what their portfolio still misses and adds evidence with tags and a file', async () => {
  const page = await (await context(browser)).newPage()
  await signIn(page)
  await visit(page, '/portfolio', 'portfolio')
  const main = page.locator('main')
  assert.match(await main.innerText(), /What my evidence covers/)

  await page.getByRole('button', { name: 'Add evidence' }).click()
  await page.waitForLoadState()
  await checked(page, 'add-evidence')
  assert.match(page.url(), /\/portfolio\/add$/)

  // Only a title: the summary lists what is missing and the title is kept.
  await page.getByLabel('Title').fill('Reflecting on a strategy discussion')
  await submit(page)
  await checked(page, 'add-evidence-errors')
  assert.match(await page.title(), /^Error: /)
  const summary = await page.locator('.govuk-error-summary').innerText()
  assert.match(summary, /Select what kind of evidence this is/)
  assert.match(summary, /Enter the date the evidence is from/)
  assert.equal(await page.getByLabel('Title').inputValue(), 'Reflecting on a strategy discussion')

  await page.getByLabel('Reflective summary').check()
  await page.getByLabel('Day').fill('12')
  await page.getByLabel('Month').fill('1')
  await page.getByLabel('Year').fill('2026')
  await page.getByLabel('The evidence', { exact: true }).fill('How I weighed the information shared by health and education before the discussion.')
  await page.getByLabel(/Critical Reflection and Analysis/i).check()
  await page.getByLabel('Attach files (optional)').setInputFiles({ name: 'strategy-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') })
  await submit(page)
  await checked(page, 'evidence-added')
  assert.match(page.url(), /\/portfolio\/evidence\/\d+\?added=1$/)
  assert.match(await main.innerText(), /Evidence added to your portfolio/)
  assert.match(await main.innerText(), /strategy-notes\.txt/)
  assert.match(await main.innerText(), /12 January 2026/)

  await page.getByRole('link', { name: 'Back to my portfolio' }).click()
  await page.waitForLoadState()
  await checked(page, 'portfolio-with-evidence')
  assert.match(await main.innerText(), /Reflecting on a strategy discussion/)

  await page.getByRole('link', { name: 'My appraisals' }).click()
  await page.waitForLoadState()
  await checked(page, 'appraisals')
  assert.match(await page.locator('h1').innerText(), /My appraisals/)
  await page.context().close()
})

test('a social worker runs the anonymisation check and clears a flagged detail with a reason', async () => {
  const page = await (await context(browser)).newPage()
  await signIn(page)
  await visit(page, '/portfolio/add', 'add-evidence-to-check')
  await page.getByLabel('Statement of learning').check()
  await page.getByLabel('Title').fill('Learning from a home visit')
  await page.getByLabel('Day').fill('20')
  await page.getByLabel('Month').fill('1')
  await page.getByLabel('Year').fill('2026')
  await page.getByLabel('The evidence', { exact: true }).fill('I visited Ms Kelly Harris at home to talk about the plan.')
  await submit(page)
  await page.getByRole('link', { name: /Check it for details/ }).click()
  await page.waitForLoadState()
  await checked(page, 'anonymisation-check')
  await page.getByRole('button', { name: 'Run the check' }).click()
  await page.waitForLoadState()
  await checked(page, 'anonymisation-flags')
  const main = page.locator('main')
  assert.match(await main.innerText(), /Kelly Harris/)
  const boxes = page.locator('input[name="flag"]')
  for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).check()
  await page.getByRole('button', { name: 'Clear the details I selected' }).click()
  await page.waitForLoadState()
  await checked(page, 'anonymisation-flags-no-reason')
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter why the details you selected do not identify anyone/)
  await page.getByLabel('Why do these details not identify anyone?').fill('A made-up name in a training example')
  await page.getByRole('button', { name: 'Clear the details I selected' }).click()
  await page.waitForLoadState()
  await checked(page, 'anonymisation-cleared')
  assert.match(await main.innerText(), /Cleared on/)
  assert.match(await main.innerText(), /A made-up name in a training example/)
  await page.context().close()
})

test('with JavaScript off a social worker can still add evidence', async () => {
  const page = await (await context(browser, { javaScript: false })).newPage()
  await signIn(page, { axe: false })
  await visit(page, '/portfolio/add', 'nojs-add-evidence', { axe: false })
  await page.getByLabel('Case study').check()
  await page.getByLabel('Title').fill('A case study written without JavaScript')
  await page.getByLabel('Day').fill('2')
  await page.getByLabel('Month').fill('2')
  await page.getByLabel('Year').fill('2026')
  await page.getByLabel('The evidence', { exact: true }).fill('Work with a family over six months, anonymised.')
  await submit(page)
  await checked(page, 'nojs-evidence-added', { axe: false })
  assert.match(page.url(), /\/portfolio\/evidence\/\d+\?added=1$/)
  assert.match(await page.locator('main').innerText(), /A case study written without JavaScript/)
  await page.context().close()
})
