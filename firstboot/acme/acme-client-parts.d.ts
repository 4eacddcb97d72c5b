// acme-client's modules that firstboot/acme/acme-client.ts imports one by one, typed by the package's own declarations.
declare module 'acme-client/src/client.js' {
  import type { Client } from 'acme-client';
  const client: typeof Client;
  export default client;
}
declare module 'acme-client/src/crypto/index.js' {
  import type { crypto } from 'acme-client';
  const c: typeof crypto;
  export default c;
}
declare module 'acme-client/src/axios.js' {
  import type { axios } from 'acme-client';
  const a: typeof axios;
  export default a;
}
