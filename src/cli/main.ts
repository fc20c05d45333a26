#!/usr/bin/env node
// The command's path before the launcher became main.cjs, kept so that it still runs: npx links
// a local project's bin once into its cache (~/.npm/_npx) and does not renew the link when
// package.json's bin changes, so a checkout where `npx netlinkts` ran before would find no
// command; scripts may name this file too. It costs the ES module start-up main.cjs avoids.
import './main.cjs';
