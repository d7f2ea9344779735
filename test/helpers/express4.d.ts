// Express 4, installed beside Express 5 as the npm alias `express4`, for hosts still on it.
declare module 'express4' {
  import express from 'express';
  export default express;
}
