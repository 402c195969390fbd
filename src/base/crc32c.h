// CRC-32C (Castagnoli, the iSCSI polynomial 0x1EDC6F41, reflected): a checksum that finds torn
// and corrupted frames in files we write ourselves. Not a cryptographic hash: never use it
// where someone may choose the bytes to collide.
#pragma once

#include <cstdint>
#include <string_view>

namespace tg {

// The CRC-32C of `data`, continuing from `crc` (0 to start). Crc32c("123456789") is
// 0xE3069283. Uses the SSE4.2 instruction when the CPU has it, a table otherwise; both give
// the same value.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

// The same by table alone (what CPUs without SSE4.2 use), so tests can hold the two equal.
uint32_t Crc32cByTable(std::string_view data, uint32_t crc = 0);

}  // namespace tg
