import express from 'express4';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function indexRouter(db) {
  const router = express.Router();
  const todos = (req) => db.prepare('SELECT * FROM todos WHERE owner_id = ?').all(req.user.id);

  router.get('/', (req, res) => {
    if (!req.user) return res.redirect('/login');
    const token = esc(req.csrfToken());
    res.send(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>todos</title><body><h1>todos of ${esc(req.user.username)}</h1>` +
        `<ul id="todos">${todos(req).map((t) => `<li>${esc(t.title)}</li>`).join('')}</ul>` +
        `<form action="/" method="post"><input type="hidden" name="_csrf" value="${token}"><label>What needs to be done? <input name="title" required></label> <button>Add</button></form>` +
        `<form action="/logout" method="post"><input type="hidden" name="_csrf" value="${token}"><button>Sign out</button></form></body></html>`,
    );
  });

  router.post('/', (req, res) => {
    if (!req.user) return res.redirect('/login');
    db.prepare('INSERT INTO todos (owner_id, title) VALUES (?, ?)').run(req.user.id, String(req.body.title ?? '').trim());
    res.redirect('/');
  });
  return router;
}
