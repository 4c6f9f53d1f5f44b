import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**', 'tests/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='__proto__']", message: 'never touch __proto__' },
      ],
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify*', '@fastify/*', 'socket.io*', 'ioredis', 'node:*', 'fs', 'path', '../*'],
              message:
                'The engine is pure: no I/O, no framework. Keep Fastify, Socket.IO, Redis and fs at the edges.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The engine takes the clock as input; do not read the wall clock here.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The engine takes the clock as input; do not read the wall clock here.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'The engine is deterministic; take a seeded generator as input.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'The engine has no timers.' },
        { name: 'setInterval', message: 'The engine has no timers.' },
        { name: 'process', message: 'The engine does not read the environment.' },
      ],
    },
  },
  {
    // shared/ is bundled into the browser and folded on the server: pure, like the engine.
    files: ['shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify*', '@fastify/*', 'socket.io', 'ioredis', 'node:*', 'fs', 'path', 'react*'],
              message:
                'shared/ holds the wire types and the one fold: no I/O, no framework (it runs in the browser and the server).',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The fold and the rules take the clock as input; do not read the wall clock here.',
        },
      ],
    },
  },
  {
    // The house's boundaries (server/src/README.md): each rule says why.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/*', '!**/engine/index'],
              message:
                'Use the engine through server/src/engine/index.ts: its internals may change without notice.',
            },
            {
              group: ['**/routes/*', '!./routes/*'],
              message:
                'Routes only translate HTTP to the launch service; nothing imports from them (put shared helpers in the module they belong to).',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment in server/src/config.ts only, validated once at start.',
        },
      ],
    },
  },
  {
    files: ['server/src/config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['server/src/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/*', '!**/engine/index'],
              message:
                'Use the engine through server/src/engine/index.ts: its internals may change without notice.',
            },
            {
              group: ['../launches/runtime'],
              message: 'Routes change launches through the launch service (app.launches), never a runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'socket.io-client',
              message: 'Only client/src/socket.ts talks to the socket; components read the store.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['client/src/socket.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
