<?php
// TFB's seven test types in plain PHP (one front controller: nginx passes every request here), PDO pgsql with a
// persistent connection per PHP-FPM child, the database from the environment (PGHOST, PGPORT, PGDATABASE,
// PGUSER, PGPASSWORD, as libpq names them). cached-queries reads APCu: PHP-FPM keeps no variable from one
// request to the next (a static array lives for one request), so the per-process cache TFB asks for is APCu's
// shared memory, filled from the database on first use, one key per row.
// Every answer sets its Content-Length (without it nginx would answer chunked); nginx adds Server and Date.

function send(string $type, string $body): void
{
    header('Content-Type: ' . $type);
    header('Content-Length: ' . strlen($body));
    echo $body;
}

function db(): PDO
{
    static $pdo = null;
    return $pdo ??= new PDO(
        sprintf('pgsql:host=%s;port=%s;dbname=%s', getenv('PGHOST'), getenv('PGPORT'), getenv('PGDATABASE')),
        getenv('PGUSER'), getenv('PGPASSWORD') ?: null,
        [PDO::ATTR_PERSISTENT => true, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_EMULATE_PREPARES => false]
    );
}

// TFB's row count: missing, not an integer or below 1 is 1; above 500 is 500.
function row_count(string $name): int
{
    $n = filter_var($_GET[$name] ?? '', FILTER_VALIDATE_INT);
    return $n === false ? 1 : max(1, min(500, $n));
}

// N random World rows, one query each (the same prepared statement re-executed).
function worlds(array $ids): array
{
    $select = db()->prepare('SELECT id, randomnumber FROM world WHERE id = ?');
    $worlds = [];
    foreach ($ids as $id) {
        $select->execute([$id]);
        $worlds[] = ['id' => $id, 'randomNumber' => $select->fetchColumn(1)];
    }
    return $worlds;
}

switch (strtok($_SERVER['REQUEST_URI'], '?')) {
    case '/json':
        send('application/json', json_encode(['message' => 'Hello, World!']));
        break;
    case '/plaintext':
        send('text/plain; charset=utf-8', 'Hello, World!');
        break;
    case '/db':
        $select = db()->prepare('SELECT id, randomnumber FROM world WHERE id = ?');
        $select->execute([mt_rand(1, 10000)]);
        $row = $select->fetch(PDO::FETCH_NUM);
        send('application/json', json_encode(['id' => $row[0], 'randomNumber' => $row[1]]));
        break;
    case '/queries':
        $ids = [];
        for ($i = row_count('queries'); $i > 0; $i--) $ids[] = mt_rand(1, 10000);
        send('application/json', json_encode(worlds($ids)));
        break;
    case '/updates':
        // N different rows, each given a new number that differs from its old one, stored in one statement
        // (sorted by id, as the Swift peers do, so that concurrent updates lock rows in the same order).
        $count = row_count('queries');
        $ids = [];
        while (count($ids) < $count) $ids[mt_rand(1, 10000)] = true;
        $ids = array_keys($ids);
        sort($ids);
        $worlds = worlds($ids);
        foreach ($worlds as &$world) {
            do $n = mt_rand(1, 10000); while ($n === $world['randomNumber']);
            $world['randomNumber'] = $n;
        }
        unset($world);
        $update = db()->prepare('UPDATE world SET randomnumber = new.randomnumber FROM (SELECT * FROM unnest(?::int[], ?::int[]) AS v(id, randomnumber) ORDER BY id) AS new WHERE world.id = new.id');
        for ($attempt = 1; ; $attempt++) {
            try {
                $update->execute(['{' . implode(',', array_column($worlds, 'id')) . '}', '{' . implode(',', array_column($worlds, 'randomNumber')) . '}']);
                break;
            } catch (PDOException $e) {
                // 40P01 deadlock_detected: PostgreSQL rolled this one back so that the other could go on.
                if ($e->getCode() !== '40P01' || $attempt >= 3) throw $e;
            }
        }
        send('application/json', json_encode($worlds));
        break;
    case '/cached-queries':
        if (!apcu_exists('world:1')) {
            $all = [];
            foreach (db()->query('SELECT id, randomnumber FROM world') as [$id, $number]) {
                $all["world:$id"] = ['id' => $id, 'randomNumber' => $number];
            }
            apcu_store($all);
        }
        $worlds = [];
        for ($i = row_count('count'); $i > 0; $i--) $worlds[] = apcu_fetch('world:' . mt_rand(1, 10000));
        send('application/json', json_encode($worlds));
        break;
    case '/fortunes':
        $fortunes = db()->query('SELECT id, message FROM fortune')->fetchAll(PDO::FETCH_KEY_PAIR);
        $fortunes[0] = 'Additional fortune added at request time.';
        asort($fortunes, SORT_STRING);
        $html = '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>';
        foreach ($fortunes as $id => $message) {
            $html .= '<tr><td>' . $id . '</td><td>' . htmlspecialchars($message, ENT_QUOTES | ENT_HTML5, 'UTF-8') . '</td></tr>';
        }
        send('text/html; charset=utf-8', $html . '</table></body></html>');
        break;
    default:
        http_response_code(404);
        send('text/plain; charset=utf-8', 'Not Found');
}
