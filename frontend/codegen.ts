import type { CodegenConfig } from '@graphql-codegen/cli';

// CODEGEN_OUT lets `npm run codegen:check` generate into a scratch directory and diff it
// against the committed output.
const outDir = process.env.CODEGEN_OUT ?? './src/gql/';

const config: CodegenConfig = {
  schema: '../graph/schema/*.graphqls',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*', '!src/**/*.test.{ts,tsx}'],
  ignoreNoDocuments: false,
  silent: true,
  generates: {
    [outDir]: {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        scalars: { Time: 'string' },
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: false,
        documentMode: 'documentNode',
      },
    },
  },
};

export default config;
