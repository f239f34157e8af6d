#!/usr/bin/env node
// `npm run dev`: the API server restarted on every change (tsx watch) plus Vite's dev server with
// hot reload, which proxies /api to it. Open the URL Vite prints.
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '3000';
const env = { ...process.env, PORT: port, EARSHOT_DEV_API_PORT: port, NODE_ENV: 'development', EARSHOT_WEB_DIR: './dist/dev-none' };
const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/bin.js', 'serve'], { stdio: 'inherit', env }),
  spawn('npx', ['vite'], { stdio: 'inherit', env }),
];
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => { if (code) process.exitCode = code; stop(); });
