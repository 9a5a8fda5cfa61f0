// The upstream of the preview tests: a real Node server, run in a session.
#pragma once

namespace parawork::test {

// A Node HTTP + WebSocket server on $PORT: echoes each request's URL and headers as JSON, sets a
// cookie named like the daemon's, hashes uploads, streams SSE, and echoes WebSocket text frames
// together with the Cookie header the upgrade carried and the subprotocol it chose.
inline constexpr const char* kEchoServerJs = R"js(
const http = require('http'), crypto = require('crypto');
const port = Number(process.env.PORT);
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/sse')) {
    res.writeHead(200, {'Content-Type': 'text/event-stream'});
    let n = 0;
    const t = setInterval(() => { res.write('data: ' + n++ + '\n\n'); if (n === 3) { clearInterval(t); res.end(); } }, 50);
    return;
  }
  if (req.method === 'POST') {
    let size = 0; const h = crypto.createHash('sha256');
    req.on('data', c => { size += c.length; h.update(c); });
    req.on('end', () => res.end(JSON.stringify({size, sha256: h.digest('hex')})));
    return;
  }
  res.setHeader('Set-Cookie', ['parawork_token=planted; Path=/', 'app=1; Path=/']);
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({url: req.url, headers: req.headers}));
});
server.on('upgrade', (req, socket) => {
  const accept = crypto.createHash('sha1')
      .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  const protocols = (req.headers['sec-websocket-protocol'] || '').split(',').map(s => s.trim()).filter(Boolean);
  let head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
             'Sec-WebSocket-Accept: ' + accept + '\r\n';
  if (protocols.length) head += 'Sec-WebSocket-Protocol: ' + protocols[0] + '\r\n';
  socket.write(head + '\r\n');
  let buf = Buffer.alloc(0);
  socket.on('data', d => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2) {
      const op = buf[0] & 15; let len = buf[1] & 127, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4);
      const data = Buffer.from(buf.subarray(off + 4, off + 4 + len));
      for (let i = 0; i < len; i++) data[i] ^= mask[i & 3];
      buf = buf.subarray(off + 4 + len);
      if (op === 8) { socket.end(); return; }
      if (op !== 1) continue;
      const p = Buffer.from('echo:' + data + '|cookie:' + (req.headers.cookie || '') +
                            '|protocol:' + (protocols[0] || ''));
      const hdr = p.length < 126 ? Buffer.from([0x81, p.length])
                                 : Buffer.from([0x81, 126, p.length >> 8, p.length & 255]);
      socket.write(Buffer.concat([hdr, p]));
    }
  });
});
server.listen(port, '127.0.0.1', () => console.log('listening on http://localhost:' + port));
)js";

}  // namespace parawork::test
