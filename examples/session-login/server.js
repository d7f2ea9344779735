import { createApp } from './app.js';

const { app } = createApp();
const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`session-login on http://127.0.0.1:${port}`));
