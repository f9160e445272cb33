// Checkpoints in the safetensors format (huggingface/safetensors; what PyTorch and the
// Hugging Face tools read):
//   8 bytes   little-endian u64 N, the header's length
//   N bytes   JSON: {"__metadata__": {str: str}, "<name>": {"dtype": "F32",
//             "shape": [..], "data_offsets": [begin, end]}, ...}, padded with spaces
//   the rest  the tensors' bytes, little-endian, offsets relative to the end of the header
// Only F32 tensors are written and read. Decoding checks everything a truncated or
// corrupted file can break (header length, JSON, dtypes, shapes against offsets,
// offsets inside the buffer, overlaps, duplicate names) and throws pe::Error with one
// clear line naming what is wrong.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pe {

struct StTensor {
  std::string name;
  std::vector<std::int64_t> shape;  // () for a scalar
  std::vector<float> data;          // product(shape) values, row-major
};

struct StFile {
  std::map<std::string, std::string> metadata;  // __metadata__
  std::vector<StTensor> tensors;                // in file order (written sorted by name)
  const StTensor* find(const std::string& name) const;
};

std::string safetensors_encode(const StFile& file);   // the file's bytes
StFile safetensors_decode(const std::string& bytes);  // throws pe::Error
void safetensors_save(const std::string& path, const StFile& file);  // throws on I/O errors
StFile safetensors_load(const std::string& path);                    // throws pe::Error

}  // namespace pe
