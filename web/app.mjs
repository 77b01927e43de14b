// Starts the design system's components that need JavaScript (the service navigation's menu
// button on small screens, the error summary's focus). Every page works without it.
import { initAll } from './govuk-frontend.min.js'

initAll()
