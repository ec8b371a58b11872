// The /docs page's initializer: a served file, not an inline script, so the page's CSP can say script-src 'self'.
// The document is found relative to this script: /docs/assets/docs-init.js → /openapi.json.
/* global SwaggerUIBundle */
'use strict';
window.ui = SwaggerUIBundle({
  url: new URL('../../openapi.json', document.currentScript.src).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  // The default sends the document to validator.swagger.io for a badge: nothing leaves this server.
  validatorUrl: null,
  // An API key typed into "Authorize" stays in this tab's memory only.
  persistAuthorization: false,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
});
