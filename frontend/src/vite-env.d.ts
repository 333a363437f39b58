/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_GRAPHQL_PATH?: string;
  readonly VITE_AUTH_PATH?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
