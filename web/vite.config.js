// Builds the console into web/dist as static files that work from any path.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      onwarn(warning, warn) {
        // Polkadot.js packages carry /*#__PURE__*/ comments Rollup cannot place: harmless.
        if (warning.code === 'INVALID_ANNOTATION' && /node_modules/.test(warning.id ?? '')) return;
        warn(warning);
      },
    },
  },
});
