// The public pages, as anyone meets them: no sign-in. Every page visited passes axe.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, context, visit, checked } from './browser.mjs'

let browser
let page
const refused = []

before(async () => {
  browser = await launch()
  const ctx = await context(browser)
  page = await ctx.newPage()
  // A stylesheet, script or font the content security policy refused shows here.
  page.on('console', message => { if (message.type() === 'error') refused.push(message.text()) })
})

after(async () => { await browser?.close() })

test('the start page leads to every council\'s career pathway', async () => {
  await visit(page, '/', 'start')
  assert.match(await page.locator('h1').innerText(), /Career progression for social workers/)
  // GOV.UK Frontend's stylesheet is served and applied: Arial, as the design system asks of
  // services not on GOV.UK (the browser's default would be a serif).
  const font = await page.evaluate(() => getComputedStyle(document.querySelector('h1')).fontFamily)
  assert.match(font, /^arial/i)
  const supported = await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'))
  assert.ok(supported, 'the design system\'s JavaScript marker is set (js-enabled.js loaded)')

  await page.getByRole('link', { name: 'Read a council\'s career pathway' }).click()
  await checked(page, 'authorities')
  const councils = page.locator('tbody tr')
  assert.equal(await councils.count(), 4, 'the four seed councils are listed')
})

test('each council\'s career pathway shows its levels, pay tables, routes and a pay chart with a table', async () => {
  await visit(page, '/authorities', 'authorities-again')
  const links = await page.locator('tbody th a').evaluateAll(as => as.map(a => ({ href: a.getAttribute('href'), name: a.textContent.trim() })))
  assert.equal(links.length, 4)
  let scpSeen = false
  for (const { href, name } of links) {
    await visit(page, href, `pathway-${href.split('/').pop()}`)
    assert.match(await page.locator('h1').innerText(), new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    assert.ok(await page.locator('#levels').count() === 1, `${name}: the levels`)
    const payTables = await page.locator('#pay-tables ~ table').count()
    const noGrades = await page.getByText('The framework publishes no pay grades or points.').count()
    assert.ok(payTables > 0 || noGrades === 1, `${name}: pay tables, or a sentence saying there are none`)
    const chart = page.locator('svg.app-chart[role="img"]')
    if (await chart.count() > 0) {
      assert.match(await chart.locator('title').textContent(), /Basic pay by level/)
    }
    assert.ok(await page.getByText('Basic pay by level, as in the chart').count() === 1, `${name}: the chart's table`)
    if (await page.getByText(/^SCP \d+$/).count() > 0) scpSeen = true
  }
  assert.ok(scpSeen, 'a council on the NJC spine shows its SCP points')
})

test('councils compared side by side by PCF level', async () => {
  await visit(page, '/compare', 'compare')
  const headers = await page.locator('thead th').allInnerTexts()
  assert.equal(headers.length, 5, `PCF level and four councils: ${headers}`)
  assert.ok(await page.locator('tbody tr').count() >= 3, 'several PCF levels')
  assert.ok(await page.getByText(/£\d{2},\d{3}/).count() > 0, 'pay ranges in pounds')
})

test('an address that does not exist is a page, not JSON', async () => {
  await visit(page, '/no-such-page', 'not-found', { status: 404 })
  assert.equal(await page.locator('h1').innerText(), 'Page not found')
  await visit(page, '/authorities/no-such-council', 'not-found-council', { status: 404 })
})

test('nothing the pages load is refused by the content security policy', () => {
  assert.deepEqual(refused.filter(text => /Content Security Policy|Refused/i.test(text)), [])
})
