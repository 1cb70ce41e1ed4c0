<?php
// PHP-FPM with the same two routes.
$uri = strtok($_SERVER['REQUEST_URI'], '?');
if ($uri === '/api/hello') {
    header('Content-Type: application/json');
    echo json_encode(['message' => 'Hello, World!']);
    return;
}
if (preg_match('#^/api/users/(\d+)$#', $uri, $m) && $_SERVER['REQUEST_METHOD'] === 'PUT') {
    $input = json_decode(file_get_contents('php://input'), true);
    if (!is_array($input)) { http_response_code(400); echo '{"detail":"invalid JSON"}'; return; }
    if (!is_string($input['name'] ?? null) || $input['name'] === '' || !str_contains($input['email'] ?? '', '@')) {
        http_response_code(422); echo '{"detail":"invalid field"}'; return;
    }
    header('Content-Type: application/json');
    echo json_encode(['email' => $input['email'], 'id' => (int)$m[1], 'name' => $input['name']]);
    return;
}
http_response_code(404);
