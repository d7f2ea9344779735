/** Set by extension/build.mjs: true only in test builds (see buildExtension's `test` option). */
declare const __TEST_BUILD__: boolean;
