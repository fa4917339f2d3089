// A SIMULATED Siemens S7 PLC for the hub's S7 tests: Snap7's S7Server (node-snap7) with one data block whose memory
// lives here (resourceless mode: every client read and write passes through this script).
//   node s7-plc-server.js <port> <db number> <db size in bytes>
// stdout, one line each: "listening <port>" once; "db <hex of the whole DB>" after every change (a client's write or
// a SET below), so the test sees what the PLC holds; "write <byte offset> <bytes>" for each client write.
// stdin, one command a line: "set <byte offset> <hex bytes>" writes bytes (the PLC program), answered "ok <n>" with n
// counting the commands; "bit <byte>.<bit> <0|1>" sets one bit, also answered "ok <n>"; "sync" does nothing and is
// answered after everything printed before it.
const snap7 = require('node-snap7');
const readline = require('readline');

const [port, dbNumber, size] = process.argv.slice(2).map(Number);
const db = Buffer.alloc(size);
const server = new snap7.S7Server();
const S7WLBit = 0x01;
const S7AreaDB = 0x84; // the area code of a request (the srvArea* codes name registered areas)

function show() {
  process.stdout.write('db ' + db.toString('hex') + '\n');
}

server.SetResourceless(true);
server.on('readWrite', (sender, operation, tag, buffer, callback) => {
  if (process.env.S7_TRACE) process.stderr.write(JSON.stringify({ operation, tag, size: buffer.length }) + '\n');
  try {
    if (tag.Area !== S7AreaDB || tag.DBNumber !== dbNumber) {
      // only one DB exists: an unknown area reads as zeros and writes are ignored (the test maps DB addresses only)
      return operation === server.operationRead ? callback(buffer.fill(0)) : callback();
    }
    if (tag.WordLen === S7WLBit) {
      // bit access: Start is the bit address (byte * 8 + bit)
      const byte = tag.Start >> 3;
      const bit = tag.Start & 7;
      if (operation === server.operationRead) {
        buffer[0] = db[byte]; // the whole byte: Snap7 picks the bit out of it
        return callback(buffer);
      }
      db[byte] = buffer[0] & 1 ? db[byte] | (1 << bit) : db[byte] & ~(1 << bit);
      process.stdout.write('write ' + byte + '.' + bit + ' ' + buffer.toString('hex') + '\n');
      show();
      return callback();
    }
    if (operation === server.operationRead) {
      db.copy(buffer, 0, tag.Start, tag.Start + buffer.length);
      return callback(buffer);
    }
    buffer.copy(db, tag.Start);
    process.stdout.write('write ' + tag.Start + ' ' + buffer.toString('hex') + '\n');
    show();
    return callback();
  } catch (e) {
    process.stderr.write('s7 server: ' + e + '\n');
    return operation === server.operationRead ? callback(buffer) : callback();
  }
});

let commands = 0;
readline.createInterface({ input: process.stdin }).on('line', line => {
  const [cmd, at, value] = line.trim().split(/\s+/);
  if (cmd === 'set') {
    Buffer.from(value, 'hex').copy(db, Number(at));
  } else if (cmd === 'sync') {
    // nothing: its answer comes after every line printed before it (the test's view of the DB is then current)
  } else if (cmd === 'bit') {
    const [byte, bit] = at.split('.').map(Number);
    db[byte] = value === '1' ? db[byte] | (1 << bit) : db[byte] & ~(1 << bit);
  } else {
    process.stderr.write('s7 server: unknown command ' + line + '\n');
  }
  commands++;
  show();
  process.stdout.write('ok ' + commands + '\n');
}).on('close', () => {
  server.Stop();
  process.exit(0);
});

server.SetParam(server.LocalPort, port);
if (!server.StartTo('127.0.0.1')) {
  process.stderr.write('s7 server: cannot listen on 127.0.0.1:' + port + '\n');
  process.exit(2);
}
process.stdout.write('listening ' + port + '\n');
show();
