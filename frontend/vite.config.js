// The dashboard is served by the gateway (same origin), so every API call is a
// relative URL. In development (`npm run dev` / `npm run preview`) the API prefixes
// are proxied to a running gateway: GATEWAY_URL, default http://localhost:8088.
import { cpSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The API's documentation page (/docs, served by the gateway) loads Swagger UI from here,
// not from a CDN: it works without the internet, e.g. in a VPC with closed egress.
const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'LICENSE', 'NOTICE']
function swaggerUi() {
  const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  return {
    name: 'swagger-ui-assets',
    apply: 'build',
    closeBundle() {
      for (const file of SWAGGER_UI_FILES) cpSync(resolve(from, file), resolve('dist/swagger-ui', file))
    },
  }
}

const gateway = process.env.GATEWAY_URL || 'http://localhost:8088'
const API_PREFIXES = [
  '/msgReqs',
  '/templates',
  '/senders',
  '/msgs',
  '/optouts',
  '/sendingWindows',
  '/billings',
  '/stats',
  '/monitorings',
  '/auth',
  '/health',
]
const proxy = Object.fromEntries(API_PREFIXES.map((prefix) => [prefix, { target: gateway }]))

export default defineConfig({
  plugins: [vue(), swaggerUi()],
  // vue-i18n: the Composition API only (its legacy API is left out of the bundle).
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 300 },
  // Unit tests of the pure modules and component tests (Vitest, @vue/test-utils, a DOM
  // from happy-dom): `npm test`.
  test: { environment: 'happy-dom', include: ['src/**/*.test.js'], setupFiles: ['src/test-setup.js'], restoreMocks: true },
})
