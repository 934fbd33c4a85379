// electron-builder configuration: `npm run dist` (see CONTEXT.md). CommonJS because electron-builder
// loads it with require() and the package is "type": "module".
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.netloom.app',
  productName: 'Netloom',
  copyright: 'Copyright © Netloom contributors',
  directories: { output: 'dist/app', buildResources: 'build' },
  // Electron starts the bundle made by electron/bundle.ts, not a TypeScript source.
  extraMetadata: { main: 'out/electron/main.cjs' },
  files: [
    'package.json',
    'out/electron/**',
    '!out/electron/**/*.map',
    'renderer/dist/**',
    // Bundled into main/preload/engine or renderer/dist already; only tfjs (native/wasm) is loaded from node_modules.
    '!node_modules/{react,react-dom,@xyflow,zustand,elkjs,zod,ws,tsx,esbuild,jpeg-js,pngjs}{,/**}',
  ],
  // Native addons and wasm binaries cannot be loaded from inside an asar archive.
  // Python runs the torch runner and reads the export's files from disk, not from the archive.
  asarUnpack: ['**/node_modules/@tensorflow/tfjs-node*/**', '**/*.node', '**/*.wasm', 'out/electron/python/**'],
  // tfjs-node is N-API (ABI-stable): no rebuild against Electron's headers, no compiler needed.
  npmRebuild: false,
  // Close the doors Electron leaves open by default.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    icon: 'build/icon.png',
    synopsis: 'Visual neural-network builder',
    description: 'Build, train, debug and export neural networks visually (Gluon-style Block trees on TensorFlow.js).',
  },
  deb: { depends: ['libgtk-3-0', 'libnss3', 'libxss1', 'libasound2'] },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    icon: 'build/icon.png',
    hardenedRuntime: true,
  },
  win: { target: ['nsis'], icon: 'build/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
  publish: null,
};
