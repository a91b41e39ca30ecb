// import.meta.env (DEV, PROD, MODE), which electron-vite replaces when it bundles the main process.
/// <reference types="electron-vite/node" />
