// The dashboard is served by the gateway (same origin), so every API call is a
// relative URL. In development (`npm run dev` / `npm run preview`) the API prefixes
// are proxied to a running gateway: GATEWAY_URL, default http://localhost:8088.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const gateway = process.env.GATEWAY_URL || 'http://localhost:8088'
const API_PREFIXES = [
  '/msgReqs',
  '/templates',
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
  plugins: [vue()],
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 300 },
})
