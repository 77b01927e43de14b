// A team manager's "My team": where each person they manage stands on their routes, grouped
// as the eligibility report groups them. Every page visited passes axe; a social worker who
// manages no one is told so.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, context, visit, teamManager, worker } from './browser.mjs'

let browser

before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

async function signIn (page, { username, password }, name) {
  await visit(page, '/sign-in', name)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState()
}

test('the demo team manager reaches My team from the navigation and sees their team grouped', async () => {
  const page = await (await context(browser)).newPage()
  await signIn(page, teamManager(), 'team-sign-in')
  const link = page.getByRole('navigation').getByRole('link', { name: 'My team' })
  assert.equal(await link.getAttribute('href'), '/team')
  await visit(page, '/team', 'team')
  assert.match(await page.title(), /^My team/)
  const main = await page.locator('main').innerText()
  assert.doesNotMatch(main, /You do not manage anyone/)
  assert.match(main, /Where each person you manage stands/)
  assert.ok(await page.locator('main h2').count() > 0, 'at least one group')
  const head = await page.locator('main table').first().locator('thead').innerText()
  for (const column of ['Worker', 'Team', 'Level', 'Route', 'Why']) assert.match(head, new RegExp(column))
  assert.equal(await page.getByRole('navigation').locator('[aria-current="page"]').innerText(), 'My team')
  await page.context().close()
})

test('a social worker who manages no one is told so in a sentence', async () => {
  const page = await (await context(browser)).newPage()
  await signIn(page, worker(), 'team-worker-sign-in')
  await visit(page, '/team', 'team-no-one')
  assert.match(await page.locator('main').innerText(), /You do not manage anyone/)
  await page.context().close()
})
