import { pbkdf2Sync, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

export const hash = (password, salt) => pbkdf2Sync(password, salt, 100_000, 32, 'sha256');

/** The app's SQLite database: users and their todos, created and seeded on first use. */
export function openDb(file = ':memory:') {
  const db = new Database(file);
  db.exec(`CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, name TEXT, hashed_password BLOB, salt BLOB, admin INTEGER DEFAULT 0);
           CREATE TABLE IF NOT EXISTS todos (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, title TEXT NOT NULL, completed INTEGER DEFAULT 0);`);
  if (!db.prepare('SELECT 1 FROM users').get()) {
    const add = db.prepare('INSERT INTO users (username, name, hashed_password, salt, admin) VALUES (?, ?, ?, ?, ?)');
    for (const [username, name, admin] of [['alice', 'Alice Admin', 1], ['bob', 'Bob Builder', 0], ['carol', 'Carol Chen', 0]]) {
      const salt = randomBytes(16);
      add.run(username, name, hash(username, salt), salt, admin);
    }
    db.prepare('INSERT INTO todos (owner_id, title) VALUES (?, ?)').run(2, 'Buy bricks');
  }
  return db;
}
