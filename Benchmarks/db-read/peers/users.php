<?php
// GET /api/users/[id] on SQLite with PDO: one persistent connection per PHP-FPM child (as Go's and Swift's stay
// open), the database file from BENCH_DB. Answers the Swift example app's JSON bytes: keys sorted, slashes as is.
$uri = strtok($_SERVER['REQUEST_URI'], '?');
header('Content-Type: application/json');
if (!preg_match('#^/api/users/([1-9][0-9]{0,17})$#', $uri, $m) || $_SERVER['REQUEST_METHOD'] !== 'GET') {
    http_response_code(404);
    echo '{"detail":"not found"}';
    return;
}
$db = new PDO('sqlite:' . getenv('BENCH_DB'), null, null, [PDO::ATTR_PERSISTENT => true, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$find = $db->prepare('SELECT id, name, email FROM users WHERE id = ?');
$find->execute([(int)$m[1]]);
$user = $find->fetch(PDO::FETCH_ASSOC);
if ($user === false) {
    http_response_code(404);
    echo '{"detail":"not found"}';
    return;
}
echo json_encode(['email' => $user['email'], 'id' => (int)$user['id'], 'name' => $user['name']], JSON_UNESCAPED_SLASHES);
