// ESLint's recommended rules for the site's browser scripts and their node unit tests.
// The tools live in .tools/ (installed by `make tools`), so they are resolved from there.
"use strict";

const path = require("node:path");

const tools = path.join(__dirname, ".tools", "node_modules");
const load = (name) => require(require.resolve(name, { paths: [tools, __dirname] }));
const js = load("@eslint/js");
const globals = load("globals");

module.exports = [
  {
    ignores: [
      ".tools/",
      ".venv/",
      "site/",
      "eventatlas/site/assets/world_*.json",
      "eventatlas/site/assets/plotly-geo.min.js",
      ".bench/",
      ".site.*/",
    ],
  },
  js.configs.recommended,
  {
    files: ["eventatlas/site/assets/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, Plotly: "readonly" },
    },
  },
  {
    files: ["tests/**/*.js", "tests/**/*.cjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: globals.node },
  },
];
