// puppeteer-core never downloads a browser, but keep any puppeteer pulled in from trying to.
module.exports = { skipDownload: true };
